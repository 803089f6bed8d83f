/// How an upstream response's body is delimited (RFC 9112 §6.3), and whether its connection may carry another
/// request afterwards, decided once from the request's method and the response head:
/// - no body after a request whose answer has none (HEAD; CONNECT), nor for 1xx, 204 and 304, whatever the head
///   says;
/// - `Transfer-Encoding: chunked` → chunked. Any other transfer coding (`gzip, chunked`, `identity`, two fields)
///   is refused: Gatehouse cannot undo it, and relaying its bytes without the (hop-by-hop) field would hand the
///   client a body it cannot read. So is a `Transfer-Encoding` in an HTTP/1.0 answer (RFC 9112 §6.1: faulty
///   framing) and one next to a `Content-Length` (RFC 9112 §6.3: a smuggling sign);
/// - else one `Content-Length` (`1*DIGIT`; repeats must agree, RFC 9110 §8.6), 0 included;
/// - else the body runs until the upstream closes, and the connection is not reused.
///
/// A framing decided for a response without a body is still checked: a head with contradicting framing fields is
/// refused whatever the status.
enum UpstreamBodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked
    case untilClose

    /// The framing, and whether the upstream allows another request on the connection (HTTP/1.1 without
    /// `Connection: close`, HTTP/1.0 with `Connection: keep-alive`, and never after a body read until close).
    static func decide(
        for head: ParsedResponseHead, bodyless: Bool
    ) -> Result<(framing: Self, keepAlive: Bool), RequestParseError> {
        let fields = HTTPFramingFields(head)
        if let refusal = fields.lengthRefusal
            ?? fields.codingRefusal(minorVersion: head.minorVersion, message: "response")
        {
            return .failure(refusal)
        }
        let keepAlive = head.minorVersion == 1 ? !fields.connectionClose : fields.connectionKeepAlive
        let code = head.statusCode
        if bodyless || (100..<200).contains(code) || code == 204 || code == 304 {
            return .success((.none, keepAlive))
        }
        if fields.transferEncodings > 0 { return .success((.chunked, keepAlive)) }
        if let length = fields.length { return .success((length == 0 ? .none : .length(length), keepAlive)) }
        return .success((.untilClose, false))
    }
}
