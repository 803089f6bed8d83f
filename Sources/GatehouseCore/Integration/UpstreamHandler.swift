import GatehouseConfig
import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection: hands response parts to the exchange using the connection, and
/// after a complete response returns the connection to its pool, or closes it when the upstream does not allow
/// reuse.
final class UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// The exchange currently using this connection; nil while pooled, and once an exchange gave it up.
    weak var receiver: (any UpstreamResponseReceiver)?
    private(set) var responseStarted = false
    /// Whether the upstream allows another request on this connection after the current response.
    private(set) var reusable = true
    private let pool: UpstreamConnectionPool
    private let address: Upstream
    /// Where this connection's requests are written.
    let requestWriter: UpstreamRequestWriter

    init(pool: UpstreamConnectionPool, address: Upstream, requestWriter: UpstreamRequestWriter) {
        self.pool = pool
        self.address = address
        self.requestWriter = requestWriter
    }

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
            guard let receiver else {
                // Nobody asked: a response on an idle connection, or one an exchange gave up on.
                context.close(promise: nil)
                return
            }
            self.receiver = nil
            if reusable && context.channel.isActive {
                pool.release(context.channel, to: address)
            } else {
                context.close(promise: nil)
            }
            receiver.upstreamResponseEnd()
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
        receiver.upstreamFailed(error, responseStarted: responseStarted)
    }
}
