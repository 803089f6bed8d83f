import NIOCore

/// Bounds on what one admin client can cost. The admin listener only binds loopback or unix sockets, but any local
/// process can reach it, so it must not be a way to pin memory or connections: requests are tiny (`GET /metrics`),
/// so the limits are small.
public struct AdminLimits: Sendable {
    /// Request line plus headers; larger heads are answered 400 and the connection closed.
    public var maxHeaderBytes: Int
    /// Request bodies are never needed; up to this much is read and discarded, more closes the connection.
    public var maxBodyBytes: Int
    /// Time from accept (or from the first byte of a request) until its head is complete.
    public var headerTimeout: TimeAmount
    /// Time a keep-alive connection may wait for its next request.
    public var idleTimeout: TimeAmount
    /// Open admin connections at most. A connection beyond it closes the oldest idle one (no request in
    /// progress) rather than waiting for a slot, so idle connections never keep a health check out; it is itself
    /// closed only when every open connection is busy. Each idle connection costs a socket and a few small objects,
    /// no read buffer, so the default leaves room for the contract's 1,000 idle connections and a scraper.
    public var maxConnections: Int

    public init(
        maxHeaderBytes: Int = 8192, maxBodyBytes: Int = 65536, headerTimeout: TimeAmount = .seconds(5),
        idleTimeout: TimeAmount = .seconds(60), maxConnections: Int = 1024
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
