import NIOCore
import NIOHTTP1

/// The switch to WebSocket: after every gate passed and the upstream answered 101, the client's connection stops
/// being HTTP/1.1. Its answer is the 101, which is also its access record; then this handler leaves the pipeline and
/// a `WebSocketTunnel` joins the two connections.
extension HTTP1ConnectionHandler {
    /// Writes the 101 (the upstream's end-to-end fields, e.g. `Sec-WebSocket-Accept` and `-Protocol`, plus
    /// `Upgrade`/`Connection` and the request id), records the exchange, and puts the tunnel in place on both
    /// connections; `rest` is what the upstream sent after its head, `heldInput` what the client sent after its
    /// request. Both are the first frames.
    func switchToWebSocket(
        _ head: ParsedResponseHead, upstream: Channel, rest: ByteBuffer, exchange: RequestExchange
    ) {
        guard let context, let admitted = exchange.admitted, self.exchange === exchange else {
            upstream.close(promise: nil)
            return
        }
        proxy = nil
        var writer = beginHead(exchange, status: .switchingProtocols, context: context)
        EndToEndHeaders.forEachForwardedField(of: head, except: Self.reservedResponseHeaders) {
            writer.add(fieldAt: $0, of: head)
        }
        writer.add("upgrade", "websocket")
        writer.add("connection", "upgrade")
        writer.add("x-amzn-RequestId", exchange.requestID)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(writer.finish(framing: .none))), promise: nil)
        self.exchange = nil
        observer.requestFinished(exchange.accessRecord(connection: connection))

        let held = heldInput
        heldInput = nil
        WebSocketTunnel.join(
            owner: WebSocketTunnel.Owner(
                requestID: exchange.requestID, apiID: admitted.match.api.id, stage: admitted.match.stage),
            clientContext: context, clientHeld: held, upstream: upstream, upstreamRest: rest, connection: connection,
            observer: observer, registry: websockets, limits: exchange.snapshot.limits)
    }
}
