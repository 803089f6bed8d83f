import NIOCore

/// The clocks of a client connection: `header_timeout` runs from the first byte of a request (and from
/// accept, covering the TLS handshake) until its head is complete, so a slow-loris client is cut off;
/// `body_timeout` runs between two reads while a request's body is read (or drained after an early answer);
/// `idle_timeout` runs while a keep-alive connection waits for its next request. Confined to the channel's
/// event loop.
///
/// One ``LazyDeadlineTimer`` per connection carries all the clocks. Past `header_timeout` or `idle_timeout` the
/// connection is closed; past `body_timeout`, `onBodyTimeout` decides (a 408 may be owed), or it is closed.
final class ConnectionTimeouts {
    private enum Phase {
        case waitingForHead
        case inExchange
        case readingBody
        case idle
    }

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var phase = Phase.waitingForHead
    private var timer: LazyDeadlineTimer!
    /// Called instead of closing when `body_timeout` passes; set by the request handler.
    var onBodyTimeout: (() -> Void)?

    init(channel: Channel, headerTimeout: TimeAmount, bodyTimeout: TimeAmount = .seconds(30), idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.timer = LazyDeadlineTimer(eventLoop: channel.eventLoop) { [weak self] in
            if let self, case .readingBody = self.phase, let onBodyTimeout = self.onBodyTimeout {
                onBodyTimeout()
            } else {
                channel.close(promise: nil)
            }
        }
    }

    func connectionStarted() {
        phase = .waitingForHead
        timer.set(in: headerTimeout)
    }

    func bytesReceived() {
        switch phase {
        case .idle:
            phase = .waitingForHead
            timer.set(in: headerTimeout)
        case .readingBody:
            timer.set(in: bodyTimeout)
        case .waitingForHead, .inExchange:
            return
        }
    }

    func headReceived() {
        phase = .inExchange
        timer.clear()
    }

    /// A request's body is to be read, or drained after an early answer: `body_timeout` runs between reads.
    func bodyStarted() {
        phase = .readingBody
        timer.set(in: bodyTimeout)
    }

    /// The body has ended.
    func bodyFinished() {
        guard case .readingBody = phase else { return }
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
