import GatehouseConfig
import GatehouseState

/// The quota rule of every configured usage plan that has one, by plan id: what `usage show`, `GET /usage` and the
/// decision to open the store need from `usage_plans`.
enum QuotaPlans {
    static func rules(of configuration: GatewayConfiguration) -> [String: QuotaRule] {
        var rules: [String: QuotaRule] = [:]
        for plan in configuration.usagePlans {
            guard let quota = plan.quota else { continue }
            rules[plan.id] = QuotaRule(quota)
        }
        return rules
    }
}
