import NIOCore
import NIOHTTP2

/// Sits behind NIOHTTP2's handler on a pooled upstream connection and reports the upstream's GOAWAY: the streams in
/// flight may still finish, but the connection takes no new one, so `HTTP2UpstreamConnections` stops handing it out
/// at once rather than opening streams that would never be answered.
final class HTTP2UpstreamGoAwayWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame

    private let onGoAway: () -> Void

    init(onGoAway: @escaping () -> Void) {
        self.onGoAway = onGoAway
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload { onGoAway() }
        context.fireChannelRead(data)
    }
}
