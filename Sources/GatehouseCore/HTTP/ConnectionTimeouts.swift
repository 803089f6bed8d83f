import NIOCore

/// The clocks of an admin connection (the data path's connections keep theirs in `HTTP1ConnectionStateMachine`):
/// `header_timeout` runs from the first byte of a request (and from accept, covering the TLS handshake) until its
/// head is complete, so a slow-loris client is cut off; `idle_timeout` runs while a keep-alive connection waits for
/// its next request. Past either the connection is closed. One ``LazyDeadlineTimer`` carries both. Confined to the
/// channel's event loop.
final class ConnectionTimeouts {
    private enum Phase {
        case waitingForHead
        case inExchange
        case idle
    }

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var phase = Phase.waitingForHead
    private var timer: LazyDeadlineTimer!

    init(channel: Channel, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.timer = LazyDeadlineTimer(eventLoop: channel.eventLoop) {
            channel.close(promise: nil)
        }
    }

    func connectionStarted() {
        phase = .waitingForHead
        timer.set(in: headerTimeout)
    }

    func bytesReceived() {
        guard case .idle = phase else { return }
        phase = .waitingForHead
        timer.set(in: headerTimeout)
    }

    func headReceived() {
        phase = .inExchange
        timer.clear()
    }

    func exchangeFinished() {
        phase = .idle
        timer.set(in: idleTimeout)
    }

    func cancel() {
        timer.cancel()
    }
}

/// Tells `ConnectionTimeouts` when request bytes arrive, before the HTTP decoder sees them.
final class InboundActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let timeouts: ConnectionTimeouts

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timeouts.bytesReceived()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeouts.cancel()
        context.fireChannelInactive()
    }
}
