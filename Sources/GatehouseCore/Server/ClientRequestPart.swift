import NIOCore

/// What `RequestDecoderHandler` hands the gateway for each request: its head, its body as slices of what was read,
/// and its end; or, in the same order, why the stream cannot be read further.
enum ClientRequestPart {
    case head(ClientRequestHead)
    case body(ByteBuffer)
    case end
    /// The stream was refused here: it is answered after the requests before it, and nothing follows.
    case failed(RequestParseError)
}
