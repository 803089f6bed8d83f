import NIOHTTP1

/// What the gateway keeps of a request besides its parsed bytes: the method, target and version, and whether the
/// client asked to keep the connection — read once from the head (``init(_:)``), never as a header dictionary.
///
/// The method is NIO's `HTTPMethod` because the answer's framing (a response to HEAD has no body) and the retry rule
/// (idempotent methods) switch on it.
struct RequestLine: Sendable {
    let method: HTTPMethod
    /// The request target as sent: path and query, still percent-encoded.
    let uri: String
    let version: HTTPVersion
    /// RFC 9112 §9.3: HTTP/1.1 stays open unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    let isKeepAlive: Bool

    init(method: HTTPMethod, uri: String, version: HTTPVersion, isKeepAlive: Bool) {
        self.method = method
        self.uri = uri
        self.version = version
        self.isKeepAlive = isKeepAlive
    }

    /// `connection` is the pass over the head's framing fields that the body's framing was decided from: its
    /// `Connection` options decide keep-alive, so the fields are not read twice.
    init(_ head: ParsedRequestHead, connection: HTTPFramingFields) {
        let version = head.minorVersion == 1 ? HTTPVersion.http1_1 : .http1_0
        self.init(
            method: HTTPMethod(rawValue: head.methodString), uri: head.targetString, version: version,
            isKeepAlive: version == .http1_1 ? !connection.connectionClose : connection.connectionKeepAlive)
    }

    init(_ head: ParsedRequestHead) {
        self.init(head, connection: HTTPFramingFields(head))
    }

    /// The stand-in for an answer to a stream that never produced a head (it is refused before one is parsed).
    static let unparsed = RequestLine(method: .GET, uri: "-", version: .http1_1, isKeepAlive: false)
}
