import NIOCore

/// Feeds a client connection's bytes to `RequestDecoder` (Gatehouse's own strict HTTP/1.1 parser) and passes on
/// the requests it finds. A refused stream is reported once, as a `.failed` part after the parts before it (so a
/// pipelined request's error is answered in turn), and what the client sends after it is dropped unread.
///
/// Holds at most an incomplete head (bounded by `max_header_bytes`) between reads: body bytes are passed on as
/// they arrive, and the next handler stops reading while a pipelined request waits.
final class RequestDecoderHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ClientRequestPart

    private var decoder: RequestDecoder
    /// Bytes read and not yet used: part of a head, or what followed a part in the same read.
    private var pending: ByteBuffer?

    init(limits: RequestDecoder.Limits) {
        decoder = RequestDecoder(limits: limits)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decoder.isFailed else { return }
        var input = unwrapInboundIn(data)
        if var buffered = pending {
            pending = nil
            buffered.writeBuffer(&input)
            input = buffered
        }
        do {
            while let part = try decoder.next(&input) {
                switch part {
                case .head(let parsed, let framing):
                    context.fireChannelRead(wrapInboundOut(.head(parsed, framing: framing)))
                case .body(let slice):
                    context.fireChannelRead(wrapInboundOut(.body(slice)))
                case .end:
                    context.fireChannelRead(wrapInboundOut(.end))
                }
            }
        } catch {
            context.fireChannelRead(wrapInboundOut(.failed(error)))
            return
        }
        if !decoder.isFailed, input.readableBytes > 0 { pending = input }
    }
}
