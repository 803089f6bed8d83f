import GatehouseConfig
import GatehouseState

/// The quota rule of every configured usage plan that has one, by plan id: what `usage show`, `GET /usage` and the
/// decision to open the store need from `usage_plans`.
enum QuotaPlans {
    static func rules(of configuration: GatewayConfiguration) -> [String: QuotaRule] {
        // `usage_plans` is parsed on the usage-gates branch; until it is merged no plan has a quota.
        [:]
    }
}
