import NIOCore
import NIOWebSocket

/// The last handler of either leg of a WebSocket tunnel, behind NIO's frame decoder and encoder: hands each frame
/// to the tunnel and writes what the tunnel relays. It reads only while the other leg can take what it reads
/// (`read(context:)`), so a slow reader on one side holds the other side's sender back instead of filling memory.
final class WebSocketRelayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let side: WebSocketSide
    private let tunnel: WebSocketTunnel
    private var context: ChannelHandlerContext?
    /// A read the channel asked for while the other leg was not writable; done once it is.
    private var readPending = false

    init(side: WebSocketSide, tunnel: WebSocketTunnel) {
        self.side = side
        self.tunnel = tunnel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        tunnel.received(unwrapInboundIn(data), from: side)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        tunnel.readComplete(from: side)
    }

    func read(context: ChannelHandlerContext) {
        if tunnel.mayRead(side) {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { tunnel.becameWritable(side) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        tunnel.legClosed(side)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        tunnel.legFailed(side, error: error)
    }

    /// Drain: a WebSocket is not cut short when the server starts draining; `WebSocketRegistry` closes it with 1001
    /// once `drain_timeout` has passed.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { return }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Called by the tunnel

    func write(_ frame: WebSocketFrame, promise: EventLoopPromise<Void>? = nil) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    func flush() {
        context?.flush()
    }

    /// The other leg can take more: the read held back is done now.
    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }
}
