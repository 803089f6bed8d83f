/// Per-request and per-connection limits; the defaults are the contract's.
public struct Limits: Hashable, Sendable {
    /// Largest request body accepted; above it the answer is 413.
    public let maxBodyBytes: Int
    /// Largest request line plus headers; above it the answer is 431.
    public let maxHeaderBytes: Int
    /// Time a client gets to send a request's head.
    public let headerTimeout: Duration
    /// Time a keep-alive connection may sit idle.
    public let idleTimeout: Duration
    /// Concurrent connections per listener; further connections wait in the backlog.
    public let maxConnections: Int

    public init(
        maxBodyBytes: Int = 10_485_760,
        maxHeaderBytes: Int = 32768,
        headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 10000
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The contract's defaults.
    public static let defaults = Limits()
}
