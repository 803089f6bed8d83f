/// One usage plan's quota, as the ledger needs it: how many requests a consumer may make per period, and how many
/// are subtracted from the limit in the plan's first period (`offset`).
public struct QuotaRule: Sendable, Hashable {
    public let limit: Int64
    public let period: QuotaPeriod
    public let offset: Int64

    public init(limit: Int64, period: QuotaPeriod, offset: Int64 = 0) {
        self.limit = limit
        self.period = period
        self.offset = offset
    }
}
