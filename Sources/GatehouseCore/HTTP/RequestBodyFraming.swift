/// How a request's body is delimited (RFC 9112 §6), decided from its head under the contract's framing rules, which
/// refuse every head two parsers could read two ways (request smuggling):
/// - HTTP/1.1 needs exactly one `Host`, and it must not be empty; HTTP/1.0 may have none, never two;
/// - `Content-Length` with `Transfer-Encoding` is 400, so are `Content-Length`s that differ or are not digits;
/// - the only transfer coding is one `chunked`, in one field (`gzip, chunked`, `chunked, chunked`, `identity` and
///   two fields are 400), and never in HTTP/1.0 (RFC 9112 §6.1);
/// - a declared length over `max_body_bytes` is 413 before any body byte is read.
enum RequestBodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked

    /// `framing` is `HTTPFramingFields(head)`, read once by the caller, which also takes the connection options.
    static func decide(for head: ParsedRequestHead, framing: HTTPFramingFields, maxBodyBytes: Int) -> Result<
        Self, RequestParseError
    > {
        if let refusal = framing.lengthRefusal { return .failure(refusal) }
        if framing.hosts > 1 { return .failure(.malformed("Multiple Host headers")) }
        if head.minorVersion == 1 {
            if framing.hosts == 0 { return .failure(.malformed("Missing Host header")) }
            if framing.emptyHost { return .failure(.malformed("Empty Host header")) }
        }
        if let refusal = framing.codingRefusal(minorVersion: head.minorVersion, message: "request") {
            return .failure(refusal)
        }
        if framing.transferEncodings > 0 { return .success(.chunked) }
        guard let length = framing.length else { return .success(.none) }
        if length > maxBodyBytes { return .failure(.bodyTooLarge) }
        return .success(length == 0 ? .none : .length(length))
    }
}
