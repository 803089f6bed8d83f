/// Who a usage plan counts (`consumers`), each one separately: API keys by id, SigV4 principal ARN patterns (`*` and
/// `?`), and client certificate patterns in `allowed_clients` syntax.
public struct UsagePlanConsumers: Hashable, Sendable {
    public let apiKeys: [String]
    public let principals: [String]
    public let clients: [String]

    public init(apiKeys: [String] = [], principals: [String] = [], clients: [String] = []) {
        self.apiKeys = apiKeys
        self.principals = principals
        self.clients = clients
    }
}
