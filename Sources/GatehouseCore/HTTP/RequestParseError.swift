/// Why the client's byte stream cannot be read as the contract's HTTP/1.1: each case is one answer of the error
/// table (`GatewayError.init(_:)`), and every one of them ends the connection, since the stream's framing can no
/// longer be trusted.
enum RequestParseError: Error, Equatable, Sendable {
    /// 400 `BadRequestException` with this message: the grammar or the framing rules are broken.
    case malformed(String)
    /// 431: the request line and header fields pass `max_header_bytes`, or too many fields.
    case headTooLarge
    /// 413: a declared `Content-Length` or the declared chunk sizes (with chunk extensions and trailers) pass
    /// `max_body_bytes`.
    case bodyTooLarge
}
