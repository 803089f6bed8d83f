/// The store's totals as a sync reads them back: with PostgreSQL these are the fleet's, every instance's counts
/// added together.
public struct UsageSnapshot: Sendable, Equatable {
    /// Totals of the current periods, per key.
    public var counts: [UsageKey: Int64]
    /// When the store first saw each plan (for `offset`, which applies in a plan's first period only).
    public var planFirstSeen: [String: Int64]
    /// Instances whose heartbeat is recent (at least 1: this one).
    public var liveInstances: Int

    public init(counts: [UsageKey: Int64], planFirstSeen: [String: Int64], liveInstances: Int) {
        self.counts = counts
        self.planFirstSeen = planFirstSeen
        self.liveInstances = liveInstances
    }
}
