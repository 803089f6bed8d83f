import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection: hands response parts to the exchange using the connection, and
/// tells the pool whether the connection can be reused.
final class UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// The exchange currently using this connection; nil while pooled.
    weak var receiver: (any UpstreamResponseReceiver)?
    private(set) var responseStarted = false
    /// Whether the upstream allows another request on this connection after the current response.
    private(set) var reusable = true
    var onResponseComplete: ((Bool) -> Void)?

    func prepareForExchange(receiver: any UpstreamResponseReceiver) {
        self.receiver = receiver
        self.responseStarted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            responseStarted = true
            reusable = head.isKeepAlive
            receiver?.upstreamResponseHead(head)
        case .body(let buffer):
            receiver?.upstreamResponseBody(buffer)
        case .end:
            let receiver = self.receiver
            self.receiver = nil
            let completion = onResponseComplete
            onResponseComplete = nil
            completion?(reusable && context.channel.isActive)
            receiver?.upstreamResponseEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        reusable = false
        guard let receiver else { return }
        self.receiver = nil
        onResponseComplete = nil
        receiver.upstreamFailed(error, responseStarted: responseStarted)
    }
}
