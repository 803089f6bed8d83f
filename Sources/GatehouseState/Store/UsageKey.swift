/// One count in the store: a consumer's use of a plan's quota in one period. The period kind is part of the key, so
/// a reload that changes a plan's period (DAY to WEEK) starts a new count instead of reusing one that happens to
/// start at the same second.
public struct UsageKey: Sendable, Hashable, Comparable {
    public let plan: String
    public let consumer: String
    public let period: QuotaPeriod
    /// Seconds since 1970 (UTC) at which the period starts.
    public let periodStart: Int64

    public init(plan: String, consumer: String, period: QuotaPeriod, periodStart: Int64) {
        self.plan = plan
        self.consumer = consumer
        self.period = period
        self.periodStart = periodStart
    }

    public static func < (lhs: UsageKey, rhs: UsageKey) -> Bool {
        (lhs.plan, lhs.consumer, lhs.period.rawValue, lhs.periodStart)
            < (rhs.plan, rhs.consumer, rhs.period.rawValue, rhs.periodStart)
    }
}
