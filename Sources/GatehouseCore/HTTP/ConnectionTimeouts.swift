import NIOCore

/// The two clocks of a client connection: `header_timeout` runs from the first byte of a request (and from
/// accept, covering the TLS handshake) until its head is complete, so a slow-loris client is cut off;
/// `idle_timeout` runs while a keep-alive connection waits for its next request. Confined to the channel's
/// event loop.
///
/// One ``LazyDeadlineTimer`` per connection carries both clocks.
final class ConnectionTimeouts {
    private enum Phase {
        case waitingForHead
        case inExchange
        case idle
    }

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var phase = Phase.waitingForHead
    private let timer: LazyDeadlineTimer

    init(channel: Channel, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.timer = LazyDeadlineTimer(eventLoop: channel.eventLoop) { channel.close(promise: nil) }
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
