/// What a sync asks of the store after adding its batch: remember these plans' first sighting, note this instance's
/// heartbeat, and answer with the totals of the current periods.
public struct UsageRefreshRequest: Sendable {
    /// Plans this instance saw for the first time, with the second it saw them; the store keeps the earliest.
    public var newPlans: [String: Int64]
    /// Which rows to read back: those of periods starting at or after this second.
    public var since: Int64
    /// This instance's heartbeat.
    public var instance: InstanceHeartbeat

    public init(newPlans: [String: Int64], since: Int64, instance: InstanceHeartbeat) {
        self.newPlans = newPlans
        self.since = since
        self.instance = instance
    }
}

/// One instance's registration: written on every sync, so instances seen recently are the live ones.
public struct InstanceHeartbeat: Sendable {
    public let id: String
    public let hostname: String
    public let pid: Int64
    public let startedAt: Int64
    /// When this heartbeat was sent (seconds since 1970).
    public var now: Int64
    /// Instances whose last heartbeat is at or after this second count as live.
    public var liveSince: Int64

    public init(id: String, hostname: String, pid: Int64, startedAt: Int64, now: Int64, liveSince: Int64) {
        self.id = id
        self.hostname = hostname
        self.pid = pid
        self.startedAt = startedAt
        self.now = now
        self.liveSince = liveSince
    }
}
