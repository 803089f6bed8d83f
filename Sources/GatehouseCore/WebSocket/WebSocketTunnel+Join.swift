import NIOCore
import NIOWebSocket

extension WebSocketTunnel {
    /// Puts a tunnel in place once the upstream answered 101: NIO's frame decoder and encoder and a relay leg on the
    /// upstream connection (after its `UpstreamHandler`, which leaves) and on the client side (after `clientContext`'s
    /// handler, which leaves; `clientAdapters` first, e.g. HTTP/2 DATA to bytes), then the bytes that already
    /// arrived — `upstreamRest` after the 101's head, `clientHeld` after the request — replayed into them. A frame may
    /// be as large as a request body (`max_body_bytes`): the decoder holds a whole frame. Returns false (both
    /// connections closed) when the pipelines refused the handlers.
    @discardableResult
    static func join(
        owner: Owner, clientContext: ChannelHandlerContext, clientAdapters: [any ChannelHandler] = [],
        clientHeld: ByteBuffer?, upstream: Channel, upstreamRest: ByteBuffer, connection: ConnectionState,
        observer: GatewayObserver, registry: WebSocketRegistry, limits: GatewayLimits
    ) -> Bool {
        let tunnel = WebSocketTunnel(
            owner: owner, client: clientContext.channel, upstream: upstream, connection: connection,
            observer: observer, registry: registry, idleTimeout: limits.websocketIdleTimeout)
        let legs = tunnel.makeLegs()
        let maxFrameSize = min(max(limits.maxBodyBytes, 125), Int(UInt32.max))
        do {
            let upstreamSync = upstream.pipeline.syncOperations
            let upstreamContext = try upstreamSync.context(handlerType: UpstreamHandler.self)
            try upstreamSync.addHandlers(
                [
                    ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)), WebSocketFrameEncoder(),
                    legs.upstream,
                ], position: .after(upstreamContext.handler))
            let clientSync = clientContext.pipeline.syncOperations
            try clientSync.addHandlers(
                clientAdapters + [
                    ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)), WebSocketFrameEncoder(),
                    legs.client,
                ], position: .after(clientContext.handler))
            tunnel.start()
            if upstreamRest.readableBytes > 0 {
                upstreamContext.fireChannelRead(NIOAny(upstreamRest))
                upstreamContext.fireChannelReadComplete()
            }
            if let clientHeld, clientHeld.readableBytes > 0 {
                clientContext.fireChannelRead(NIOAny(clientHeld))
                clientContext.fireChannelReadComplete()
            }
            upstreamSync.removeHandler(context: upstreamContext, promise: nil)
            clientSync.removeHandler(context: clientContext, promise: nil)
            // Reading was paused while the answer was awaited: the tunnel's legs decide from here on.
            clientContext.channel.read()
            upstream.read()
            return true
        } catch {
            upstream.close(promise: nil)
            clientContext.channel.close(promise: nil)
            return false
        }
    }
}
