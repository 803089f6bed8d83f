import GatehouseConfig
import NIOCore

/// The one handler of an upstream connection: writes each request as bytes, reads the response with Gatehouse's
/// own codec (`UpstreamResponseDecoder`), hands its parts to the exchange using the connection, and after a complete
/// response returns the connection to its pool, or closes it when the upstream does not allow reuse.
///
/// An answer that is malformed or not allowed (`UpstreamProtocolError`), bytes that arrive while no request is
/// outstanding or after a complete response, and a head nobody waits for close the connection: only a connection
/// whose every byte was one well-formed answer to the request sent goes back to the pool.
///
/// Holds at most an incomplete head (bounded by `ResponseHeadParser.defaultMaxHeadBytes`) between reads; body bytes
/// are handed on as slices of what was read, and the exchange pauses reading (`autoRead`) while its client is not
/// writable.
final class UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The exchange currently using this connection; nil while pooled, and once an exchange gave it up.
    weak var receiver: (any UpstreamResponseReceiver)?
    private(set) var responseStarted = false
    private let pool: UpstreamConnectionPool
    private let address: Upstream
    private var decoder = UpstreamResponseDecoder()
    /// Bytes of an unfinished head, kept until the next read.
    private var pending: ByteBuffer?
    private var context: ChannelHandlerContext?
    /// Set once the connection is being closed: nothing more is read from it.
    private var closed = false

    init(pool: UpstreamConnectionPool, address: Upstream) {
        self.pool = pool
        self.address = address
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func prepareForExchange(receiver: any UpstreamResponseReceiver) {
        self.receiver = receiver
        self.responseStarted = false
    }

    /// Writes and flushes the request; false when the connection's pipeline is gone. The decoder learns the method
    /// first: a response to HEAD has no body whatever its head says.
    func send(_ request: UpstreamRequest, body: ByteBuffer?) -> Bool {
        guard let context else { return false }
        decoder.expectResponse(
            bodyless: request.method == .HEAD || request.method == .CONNECT, upgrade: request.upgradesToWebSocket)
        pending = nil
        context.write(wrapOutboundOut(request.head(allocator: context.channel.allocator)), promise: nil)
        if let body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(body), promise: nil)
        }
        context.flush()
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed, !decoder.isFailed else { return }
        var input = unwrapInboundIn(data)
        if var buffered = pending {
            pending = nil
            buffered.writeBuffer(&input)
            input = buffered
        }
        do {
            while let part = try decoder.next(&input) {
                switch part {
                case .head(let head):
                    guard let receiver else {
                        // An answer nobody waits for (the exchange gave the connection up): its framing cannot be
                        // trusted any more.
                        closeFailed(context: context)
                        return
                    }
                    responseStarted = true
                    if decoder.isSwitched {
                        // The connection leaves HTTP: the receiver takes it over, with what followed the head.
                        self.receiver = nil
                        closed = true
                        receiver.upstreamSwitchedProtocols(head, rest: input)
                        return
                    }
                    receiver.upstreamResponseHead(head)
                case .body(let slice):
                    receiver?.upstreamResponseBody(slice)
                case .end(let reusable):
                    // Bytes after a complete response belong to no request.
                    complete(reusable: reusable && input.readableBytes == 0, context: context)
                    return
                }
            }
        } catch {
            fail(error)
            closeFailed(context: context)
            return
        }
        if input.readableBytes > 0 { pending = input }
    }

    /// The response ended: the connection goes back to the pool when the upstream allows it and nothing else
    /// arrived, else it is closed.
    private func complete(reusable: Bool, context: ChannelHandlerContext) {
        let receiver = self.receiver
        self.receiver = nil
        if receiver != nil && reusable && context.channel.isActive {
            pool.release(context.channel, to: address)
        } else {
            closeFailed(context: context)
        }
        receiver?.upstreamResponseEnd()
    }

    /// Closes a connection that must not be used again; what it still sends is dropped unread.
    private func closeFailed(context: ChannelHandlerContext) {
        closed = true
        pending = nil
        context.close(promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if receiver == nil { pool.forget(context.channel, of: address) }
        guard !decoder.isSwitched else {
            context.fireChannelInactive()
            return
        }
        let rest = pending ?? ByteBuffer()
        pending = nil
        do {
            if case .end? = try decoder.finish(rest) {
                // A body read until close ended with the connection.
                complete(reusable: false, context: context)
            }
        } catch {
            fail(error)
        }
        fail(ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        guard let receiver else { return }
        self.receiver = nil
        receiver.upstreamFailed(error, responseStarted: responseStarted)
    }
}
