import GatehouseConfig
import GatehouseState

extension QuotaRule {
    /// The ledger's form of a plan's `quota` (the configuration and the state module each name the periods, so that
    /// neither depends on the other).
    init(_ quota: QuotaConfiguration) {
        self.init(
            limit: Int64(quota.limit), period: QuotaPeriod(rawValue: quota.period.rawValue) ?? .day,
            offset: Int64(quota.offset))
    }
}
