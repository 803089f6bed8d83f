import NIOCore

/// Resource limits applied per connection and request, with the contract's defaults.
public struct GatewayLimits: Sendable {
    public var maxBodyBytes: Int = 10_485_760
    public var maxHeaderBytes: Int = 32_768
    public var headerTimeout: TimeAmount = .seconds(10)
    /// Longest wait between two reads of a request body, and while draining one being discarded.
    public var bodyTimeout: TimeAmount = .seconds(30)
    public var idleTimeout: TimeAmount = .seconds(60)
    public var maxConnections: Int = 10_000
    /// HTTP/2: streams open at once per connection, and resets per second past which a connection is a rapid-reset
    /// flood.
    public var maxConcurrentStreams: Int = 100
    /// HTTP/2: request-body bytes one connection may hold buffered across its streams (`HTTP2BodyBudget`).
    public var maxConnectionBodyBytes: Int = 10_485_760
    /// How long a connection answered with an early error keeps draining what the client still sends, so the
    /// answer is not lost to a TCP reset (nginx's lingering close).
    public var lingerTimeout: TimeAmount = .seconds(2)
    /// `websocket_idle_timeout`: a WebSocket with no frame either way for this long is closed with 1001.
    public var websocketIdleTimeout: TimeAmount = .seconds(300)

    public init() {}
}
