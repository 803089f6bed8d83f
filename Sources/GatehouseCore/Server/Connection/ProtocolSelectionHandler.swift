import NIOCore
import NIOTLS

/// Waits for the TLS handshake and installs the connection's protocol handlers by what ALPN chose: `h2` gets the
/// HTTP/2 pipeline, anything else (`http/1.1`, or no ALPN) the HTTP/1.1 handler. Then it leaves the pipeline.
///
/// Until then it is the connection's deadline: a client that does not finish the handshake within `header_timeout`
/// is disconnected (the handlers that keep the request deadlines do not exist yet).
final class ProtocolSelectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Selected: Equatable {
        case http1
        case http2
    }

    private let handshakeTimeout: TimeAmount
    private let install: (Selected, Channel) throws -> Void
    private var deadline: Scheduled<Void>?
    private var held: [ByteBuffer] = []

    /// `install` runs on the event loop, adding the chosen protocol's handlers at the end of the pipeline.
    init(handshakeTimeout: TimeAmount, install: @escaping (Selected, Channel) throws -> Void) {
        self.handshakeTimeout = handshakeTimeout
        self.install = install
    }

    /// `h2` only when negotiated; HTTP/1.1 otherwise.
    static func select(_ negotiated: String?) -> Selected {
        negotiated == "h2" ? .http2 : .http1
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        held.append(unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case TLSUserEvent.handshakeCompleted(let negotiated) = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        deadline?.cancel()
        deadline = nil
        do {
            try install(Self.select(negotiated), context.channel)
        } catch {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
        let pending = held
        held = []
        for buffer in pending { context.fireChannelRead(wrapInboundOut(buffer)) }
        if !pending.isEmpty { context.fireChannelReadComplete() }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}
