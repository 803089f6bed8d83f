/// Per-request and per-connection limits; the defaults are the contract's.
public struct Limits: Hashable, Sendable {
    /// Largest request body accepted; above it the answer is 413.
    public let maxBodyBytes: Int
    /// Largest request head, counted from the request line's first byte through the blank line's CRLF; one byte
    /// more is 431.
    public let maxHeaderBytes: Int
    /// Time a client gets to send a request's head.
    public let headerTimeout: Duration
    /// Longest wait between two reads of a request body (and while draining one being discarded); past it the
    /// connection is closed, with a 408 when nothing was answered yet.
    public let bodyTimeout: Duration
    /// Time a keep-alive connection may sit idle.
    public let idleTimeout: Duration
    /// Concurrent connections per listener; further connections wait in the backlog.
    public let maxConnections: Int
    /// Time a WebSocket may carry no frame in either direction before Gatehouse closes it (close code 1001).
    public let websocketIdleTimeout: Duration
    /// Streams an HTTP/2 client may have open at once on one connection (`SETTINGS_MAX_CONCURRENT_STREAMS`); also
    /// the number of stream resets per second past which a connection is cut off as a rapid-reset flood.
    public let maxConcurrentStreams: Int
    /// HTTP/2: request-body bytes one connection may hold buffered across its streams before its streams stop
    /// reading (flow control then holds the client back). Without it one connection could hold
    /// `maxConcurrentStreams` × `maxBodyBytes`.
    public let maxConnectionBodyBytes: Int

    /// The default of `maxConnectionBodyBytes`: one largest body, and at least 4 MiB so that a small `max_body_bytes`
    /// does not make a connection's streams take turns for bodies that fit in memory easily.
    public static func defaultConnectionBodyBytes(maxBodyBytes: Int) -> Int {
        max(maxBodyBytes, 4 * 1024 * 1024)
    }

    public init(
        maxBodyBytes: Int = 10_485_760,
        maxHeaderBytes: Int = 32768,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 10000,
        websocketIdleTimeout: Duration = .seconds(300),
        maxConcurrentStreams: Int = 100,
        maxConnectionBodyBytes: Int? = nil
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.websocketIdleTimeout = websocketIdleTimeout
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxConnectionBodyBytes =
            maxConnectionBodyBytes ?? Self.defaultConnectionBodyBytes(maxBodyBytes: maxBodyBytes)
    }

    /// The contract's defaults.
    public static let defaults = Limits()
}
