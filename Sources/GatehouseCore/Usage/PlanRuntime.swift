import GatehouseBytes
import GatehouseConfig
import GatehousePKI
import GatehouseState

/// One usage plan as a snapshot applies it: its limits, its consumers compiled into matchers, and its per-consumer
/// state (kept across reloads in ``UsageState``).
final class PlanRuntime: Sendable {
    let id: String
    let throttle: ThrottleLimit?
    let quota: QuotaRule?
    let apiKeyIDs: Set<String>
    let principals: [WildcardPattern]
    let clients: [AllowedClientPattern]
    let state: PlanState

    init(
        id: String, throttle: ThrottleLimit?, quota: QuotaRule?, apiKeyIDs: Set<String>, principals: [WildcardPattern],
        clients: [AllowedClientPattern], state: PlanState
    ) {
        self.id = id
        self.throttle = throttle
        self.quota = quota
        self.apiKeyIDs = apiKeyIDs
        self.principals = principals
        self.clients = clients
        self.state = state
    }

    func counts(principal arn: String) -> Bool {
        principals.contains { $0.matches(arn) }
    }

    func counts(client identity: ClientIdentity) -> Bool {
        clients.contains { $0.matches(identity) }
    }
}
