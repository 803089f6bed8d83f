import NIOCore

/// Runs `HTTP2FloodGuard` on a connection's bytes in front of NIOHTTP2's handler. On a flood it stops passing bytes
/// on, sends `GOAWAY ENHANCE_YOUR_CALM` itself (as a whole frame, between NIOHTTP2's whole frames), reports it, and
/// closes the connection once the frame is written. Other connections are not touched.
final class HTTP2FloodGuardHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let enhanceYourCalm: UInt32 = 0xB

    private var guardState: HTTP2FloodGuard
    private let onFlood: (HTTP2FloodGuard.Flood) -> Void
    private var tripped = false

    init(_ guardState: HTTP2FloodGuard, onFlood: @escaping (HTTP2FloodGuard.Flood) -> Void) {
        self.guardState = guardState
        self.onFlood = onFlood
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !tripped else { return }
        let bytes = unwrapInboundIn(data)
        guard let flood = guardState.scan(bytes) else {
            context.fireChannelRead(data)
            return
        }
        tripped = true
        onFlood(flood)
        let frame = HTTP2FloodGuard.goAway(
            lastStreamID: guardState.lastClientStreamID, errorCode: Self.enhanceYourCalm)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }
}
