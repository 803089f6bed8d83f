import NIOHTTP1

/// What a connection's `ResponseHandler` reports to the worker that owns the connection. Called on the
/// connection's event loop.
protocol ConnectionDelegate: AnyObject {
    /// The TLS handshake completed (the client side of it).
    func connectionCompletedHandshake(_ connection: ObjectIdentifier)
    /// A complete response arrived.
    ///
    /// - Parameters:
    ///   - keepAlive: whether the server keeps the connection open after this response.
    ///   - bodySample: the start of the body of an error (status >= 400) answer, for the report.
    func connection(
        _ connection: ObjectIdentifier,
        receivedStatus status: HTTPResponseStatus,
        keepAlive: Bool,
        bodySample: String?
    )
    /// The connection failed or closed; `error` is nil for a plain close by the server.
    func connection(_ connection: ObjectIdentifier, failedWith error: (any Error)?, handshakeCompleted: Bool)
}
