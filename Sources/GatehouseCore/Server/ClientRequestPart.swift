import NIOCore

/// What `RequestDecoderHandler` hands the gateway for each request: its head as parsed (with its body's framing,
/// or why that is refused), its body as slices of what was read, and its end; or, in the same order, why the
/// stream cannot be read further.
enum ClientRequestPart {
    case head(ParsedRequestHead, framing: Result<RequestBodyFraming, RequestParseError>)
    case body(ByteBuffer)
    case end
    /// The stream was refused here: it is answered after the requests before it, and nothing follows.
    case failed(RequestParseError)
}
