import NIOCore

/// The two clocks of a client connection: `header_timeout` runs from the first byte of a request (and from
/// accept, covering the TLS handshake) until its head is complete, so a slow-loris client is cut off;
/// `idle_timeout` runs while a keep-alive connection waits for its next request. Confined to the channel's
/// event loop.
///
/// One timer per connection, re-armed lazily: moving a deadline only records it, and the scheduled task, when it
/// fires, closes the connection or schedules itself again for the deadline then in force. A keep-alive request
/// moves the deadline three times; scheduling and cancelling a task each time cost more than the request's routing.
final class ConnectionTimeouts {
    private let channel: Channel
    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// When the connection is closed unless something moves it; nil while a request is being handled.
    private var deadline: NIODeadline?
    private var waitingForHead = true
    /// The pending task and when it fires; it never fires later than `deadline`.
    private var timer: (task: Scheduled<Void>, firesAt: NIODeadline)?

    init(channel: Channel, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.channel = channel
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    func connectionStarted() {
        waitingForHead = true
        arm(headerTimeout)
    }

    func bytesReceived() {
        guard !waitingForHead, deadline != nil else { return }
        waitingForHead = true
        arm(headerTimeout)
    }

    func headReceived() {
        waitingForHead = false
        deadline = nil
    }

    func exchangeFinished() {
        waitingForHead = false
        arm(idleTimeout)
    }

    func cancel() {
        deadline = nil
        timer?.task.cancel()
        timer = nil
    }

    private func arm(_ amount: TimeAmount) {
        let newDeadline = NIODeadline.now() + amount
        deadline = newDeadline
        if let timer, timer.firesAt <= newDeadline { return }
        schedule(at: newDeadline)
    }

    private func schedule(at time: NIODeadline) {
        timer?.task.cancel()
        let task = channel.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: time) { [self] in
            fired()
        }
        timer = (task, time)
    }

    private func fired() {
        timer = nil
        guard let deadline else { return }
        if deadline <= .now() {
            channel.close(promise: nil)
        } else {
            schedule(at: deadline)
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
