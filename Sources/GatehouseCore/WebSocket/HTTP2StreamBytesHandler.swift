import NIOCore
import NIOHTTP2

/// An HTTP/2 stream carrying a WebSocket (RFC 8441): its DATA frames in as bytes for the frame decoder, bytes out as
/// DATA. The client ending its side (END_STREAM) or resetting the stream ends the WebSocket; closing it sends
/// END_STREAM first, so what was written before the close arrives whole.
final class HTTP2StreamBytesHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var ended = false

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .data(let frame):
            if case .byteBuffer(let buffer) = frame.data, buffer.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(buffer))
            }
            if frame.endStream { context.close(promise: nil) }
        case .headers(let frame):
            if frame.endStream { context.close(promise: nil) }
        case .rstStream:
            ended = true
            context.close(promise: nil)
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(buffer)))), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if !ended, context.channel.isActive {
            ended = true
            let empty = context.channel.allocator.buffer(capacity: 0)
            context.writeAndFlush(
                wrapOutboundOut(.data(.init(data: .byteBuffer(empty), endStream: true))), promise: nil)
        }
        context.close(mode: mode, promise: promise)
    }
}
