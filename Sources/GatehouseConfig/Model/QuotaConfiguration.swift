/// A usage plan's `quota`: how many requests each consumer may make per calendar period (UTC), less `offset` in the
/// plan's first period.
public struct QuotaConfiguration: Hashable, Sendable {
    /// The calendar periods a quota counts in (DAY from 00:00, WEEK from Sunday 00:00, MONTH from the 1st; UTC).
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case day = "DAY"
        case week = "WEEK"
        case month = "MONTH"
    }

    public let limit: Int
    public let period: Period
    public let offset: Int

    public init(limit: Int, period: Period, offset: Int = 0) {
        self.limit = limit
        self.period = period
        self.offset = offset
    }
}
