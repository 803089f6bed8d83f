import NIOCore

/// How an HTTP/2 connection that Gatehouse ends with GOAWAY (a flood, a connection error) is closed so that the client
/// reads the GOAWAY: nginx's lingering close, which HTTP/1.1 does after an early error too.
///
/// A flooding client is still sending when it is cut off. Closing a socket with unread bytes in it makes the kernel
/// answer with a TCP reset, and the reset throws away what is still queued for the client — the GOAWAY among it. So
/// `linger()` has everything written so far sent (the GOAWAY, and frames NIOHTTP2 holds until the end of the read
/// loop), then closes the TLS write side (close_notify, then a TCP FIN: the client sees a clean end right after the
/// GOAWAY), and reads and drops whatever still arrives until the client closes its side or `timeout`
/// (`GatewayLimits.lingerTimeout`, as HTTP/1.1) has passed. Then the connection is closed: with its write side
/// closed already, `TLSServerHandler` closes the socket at once (it waits for the client's close_notify only when a
/// close sends Gatehouse's).
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

    /// Passed on even while lingering (it carries no data): NIOHTTP2's connection manager holds flushes until the read
    /// loop completes.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
        // Keep the socket drained whatever a later handler did to reading: unread bytes are what makes a reset.
        if lingering { context.read() }
    }

    /// Ends the connection once what was written before (the GOAWAY) is sent; see the type's comment. Idempotent.
    func linger() {
        guard let context, !lingering else { return }
        lingering = true
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.deadlinePassed()
        }
        // Once the read loop under way (if any) has completed: NIOHTTP2 and its manager hold what is written during a
        // read (the GOAWAY among it) until then.
        context.eventLoop.assumeIsolated().execute { [weak self] in self?.closeOutput() }
        context.read()
    }

    /// Everything written is flushed from the tail, through NIOHTTP2 and its manager; then close_notify after it, and
    /// the socket's FIN once both are sent.
    private func closeOutput() {
        guard let context else { return }
        context.channel.flush()
        context.close(mode: .output, promise: nil)
    }

    /// The deadline: the connection closes now. The TLS write side is already closed (`closeOutput`), so
    /// `TLSServerHandler` closes the socket at once instead of waiting for the client's close_notify.
    private func deadlinePassed() {
        context?.close(promise: nil)
    }
}
