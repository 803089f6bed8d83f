import NIOCore

/// What every worker of a run shares: how to connect, what to send, and the limits.
struct WorkerSettings: Sendable {
    let connector: Connector
    let template: RequestTemplate
    /// Reuse each connection (HTTP/1.1 keep-alive) rather than opening a new one per request.
    let keepAlive: Bool
    /// A request without a complete response after this long counts as a timeout and its connection is closed.
    let requestTimeout: TimeAmount
    /// Shared `-n` budget; nil when only the duration bounds the run.
    let budget: RequestBudget?

    var plaintext: Bool { connector.tlsContext == nil }
}
