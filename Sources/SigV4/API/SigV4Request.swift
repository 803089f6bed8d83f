/// The parts of an HTTP request that SigV4 covers, as received on the wire. The body is not here: it is hashed
/// while it streams and handed to `PendingVerification.finish(bodySHA256Hex:)`.
public struct SigV4Request: Sendable {
    /// The request method, e.g. `GET`.
    public var method: String
    /// The raw path from the request line, still percent-encoded, without the query.
    public var path: String
    /// The raw query after `?`, or nil when the request line has none.
    public var query: String?
    /// The header fields in received order; names in any case, repeated names allowed.
    public var fields: SigV4HeaderFields

    /// The headers as text. Setting them replaces `fields` (and any bytes given with them).
    public var headers: [(name: String, value: String)] {
        get { fields.pairs }
        set { fields = SigV4HeaderFields(newValue) }
    }

    /// - Parameter headerValueBytes: the header values' bytes as received, parallel to `headers`, given when some
    ///   value is not UTF-8 (obs-text): a `String` cannot hold such bytes, and the canonical request must cover
    ///   exactly what the client sent (and what is forwarded). Nil when every value is the UTF-8 of its `String`.
    public init(
        method: String, path: String, query: String?, headers: [(name: String, value: String)],
        headerValueBytes: [[UInt8]]? = nil
    ) {
        self.init(
            method: method, path: path, query: query, fields: SigV4HeaderFields(headers, valueBytes: headerValueBytes))
    }

    public init(method: String, path: String, query: String?, fields: SigV4HeaderFields) {
        self.method = method
        self.path = path
        self.query = query
        self.fields = fields
    }
}
