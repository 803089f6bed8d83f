import NIOCore

/// Runs `HTTP2FloodGuard` on a connection's bytes in front of NIOHTTP2's handler. On a flood it stops passing bytes
/// on, sends `GOAWAY ENHANCE_YOUR_CALM` itself (as a whole frame, between NIOHTTP2's whole frames), reports it, and
/// ends the connection with a lingering close (`HTTP2LingeringClose`), so the client reads the GOAWAY even while it is
/// still sending. Other connections are not touched.
final class HTTP2FloodGuardHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let enhanceYourCalm: UInt32 = 0xB

    private var guardState: HTTP2FloodGuard
    private let headerTimeout: TimeAmount
    private let onFlood: (HTTP2FloodGuard.Flood) -> Void
    private let lingeringClose: HTTP2LingeringClose
    private var tripped = false
    /// Armed while a header block is open: `header_timeout` is the time a client gets to finish one (a block
    /// dribbled out in a few CONTINUATION frames, then left open, is a slow-loris on a stream not yet opened).
    private var headerDeadline: Scheduled<Void>?

    init(
        _ guardState: HTTP2FloodGuard, headerTimeout: TimeAmount, lingeringClose: HTTP2LingeringClose,
        onFlood: @escaping (HTTP2FloodGuard.Flood) -> Void
    ) {
        self.guardState = guardState
        self.lingeringClose = lingeringClose
        self.headerTimeout = headerTimeout
        self.onFlood = onFlood
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headerDeadline?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        headerDeadline?.cancel()
        headerDeadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !tripped else { return }
        let bytes = unwrapInboundIn(data)
        if let flood = guardState.scan(bytes) {
            cutOff(flood, context: context)
            return
        }
        if guardState.headerBlockOpen {
            if headerDeadline == nil {
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                headerDeadline = context.eventLoop.scheduleTask(in: headerTimeout) {
                    bound.value.0.cutOff(.headerTimeout, context: bound.value.1)
                }
            }
        } else if let deadline = headerDeadline {
            deadline.cancel()
            headerDeadline = nil
        }
        context.fireChannelRead(data)
    }

    private func cutOff(_ flood: HTTP2FloodGuard.Flood, context: ChannelHandlerContext) {
        guard !tripped else { return }
        tripped = true
        headerDeadline?.cancel()
        headerDeadline = nil
        onFlood(flood)
        let frame = HTTP2FloodGuard.goAway(
            lastStreamID: guardState.lastClientStreamID, errorCode: Self.enhanceYourCalm)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        lingeringClose.linger()
    }
}
