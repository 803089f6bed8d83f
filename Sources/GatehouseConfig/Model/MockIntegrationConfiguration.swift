/// A `MOCK` integration: the gateway answers itself with a fixed response.
public struct MockIntegrationConfiguration: Hashable, Sendable {
    /// One response header, in configuration order.
    public struct Header: Hashable, Sendable {
        public let name: String
        public let value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public let status: Int
    public let headers: [Header]
    public let body: String

    public init(status: Int, headers: [Header], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
