import NIOCore

/// The two clocks of a client connection: `header_timeout` runs from the first byte of a request (and from
/// accept, covering the TLS handshake) until its head is complete, so a slow-loris client is cut off;
/// `idle_timeout` runs while a keep-alive connection waits for its next request. Confined to the channel's
/// event loop.
final class ConnectionTimeouts {
    private enum Phase {
        case waitingForHead
        case inExchange
        case idle
    }

    private let channel: Channel
    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var phase = Phase.waitingForHead
    private var timer: Scheduled<Void>?

    init(channel: Channel, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.channel = channel
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    func connectionStarted() {
        phase = .waitingForHead
        arm(headerTimeout)
    }

    func bytesReceived() {
        guard case .idle = phase else { return }
        phase = .waitingForHead
        arm(headerTimeout)
    }

    func headReceived() {
        phase = .inExchange
        timer?.cancel()
        timer = nil
    }

    func exchangeFinished() {
        phase = .idle
        arm(idleTimeout)
    }

    func cancel() {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ amount: TimeAmount) {
        timer?.cancel()
        let channel = self.channel
        timer = channel.eventLoop.scheduleTask(in: amount) {
            channel.close(promise: nil)
        }
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
