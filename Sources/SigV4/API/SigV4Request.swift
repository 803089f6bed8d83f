/// The parts of an HTTP request that SigV4 covers, as received on the wire. The body is not here: it is hashed
/// while it streams and handed to `PendingVerification.finish(bodySHA256Hex:)`.
public struct SigV4Request: Sendable {
    /// The request method, e.g. `GET`.
    public var method: String
    /// The raw path from the request line, still percent-encoded, without the query.
    public var path: String
    /// The raw query after `?`, or nil when the request line has none.
    public var query: String?
    /// The headers in received order; names in any case, repeated names allowed.
    public var headers: [(name: String, value: String)]
    /// The header values' bytes as received, parallel to `headers`, given when some value is not UTF-8 (obs-text):
    /// a `String` cannot hold such bytes, and the canonical request must cover exactly what the client sent (and
    /// what is forwarded). Nil when every value is the UTF-8 of its `String`.
    public var headerValueBytes: [[UInt8]]?

    public init(
        method: String, path: String, query: String?, headers: [(name: String, value: String)],
        headerValueBytes: [[UInt8]]? = nil
    ) {
        precondition(headerValueBytes.map { $0.count == headers.count } ?? true, "one byte value per header")
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.headerValueBytes = headerValueBytes
    }
}
