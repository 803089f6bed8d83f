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

    public init(method: String, path: String, query: String?, headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }
}
