import NIOCore

/// How an HTTP/2 connection that Gatehouse ends with GOAWAY (a flood, a connection error) is closed so that the client
/// reads the GOAWAY: nginx's lingering close, which HTTP/1.1 does after an early error too.
///
/// A flooding client is still sending when it is cut off. Closing a socket with unread bytes in it makes the kernel
/// answer with a TCP reset, and a reset can destroy the GOAWAY in the client's receive buffer before the client reads
/// it. So `linger()` flushes what was written (the GOAWAY), closes the TLS write side (close_notify, then a TCP FIN:
/// the client sees a clean end right after the GOAWAY), and then reads and drops whatever still arrives until the
/// client closes its side or `timeout` (`GatewayLimits.lingerTimeout`, as HTTP/1.1) has passed, when the connection
/// is closed.
///
/// Bounded: the first handler after TLS, so dropped bytes never reach NIOHTTP2 or the flood guard and nothing is kept;
/// the deadline is armed as lingering starts, whatever the client does.
final class HTTP2LingeringClose: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?
    /// Whether the connection is ending: input is dropped from then on.
    private(set) var lingering = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !lingering else { return }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !lingering else {
            // Keep the socket drained whatever a later handler did to reading: unread bytes are what makes a reset.
            context.read()
            return
        }
        context.fireChannelReadComplete()
    }

    /// Ends the connection once what was written before (the GOAWAY) is sent; see the type's comment. Idempotent.
    func linger() {
        guard let context, !lingering else { return }
        lingering = true
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        context.flush()
        // NIOSSL writes close_notify after the data already written; the socket's FIN waits for both to be sent.
        context.close(mode: .output, promise: nil)
        context.read()
    }
}
