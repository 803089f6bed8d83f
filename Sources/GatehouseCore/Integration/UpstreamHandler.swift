import GatehouseConfig
import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection: hands response parts to the exchange using the connection, and
/// after a complete response returns the connection to its pool, or closes it when the upstream does not allow
/// reuse. An answer that is malformed (the decoder's errors) or not allowed (`UpstreamProtocolError`), or that
/// arrives while no exchange is waiting, closes the connection: only a connection whose every byte was one
/// well-formed answer to the request sent goes back to the pool.
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
            guard let receiver else {
                // An answer nobody asked for: the connection's framing cannot be trusted any more.
                reusable = false
                context.close(promise: nil)
                return
            }
            if let violation = UpstreamProtocolError.violation(in: head) {
                fail(violation)
                context.close(promise: nil)
                return
            }
            responseStarted = true
            reusable = head.isKeepAlive
            receiver.upstreamResponseHead(head)
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
