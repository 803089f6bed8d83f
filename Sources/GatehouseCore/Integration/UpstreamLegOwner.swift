import NIOCore
import NIOHPACK

/// What a `ProxyLeg` reports to: the client side of one exchange — an HTTP/1.1 connection's handler, or an HTTP/2
/// stream's. Called on the client channel's event loop, in order: a head, body parts (each answering whether the
/// client can take more now), flushes, then the end — or a failure before the head (`relayFailure`, answered with the
/// contract's 502/504) or after it (`relayAbort`: the response is cut off).
protocol UpstreamLegOwner: AnyObject {
    func relayHead(_ head: ParsedResponseHead, exchange: RequestExchange)
    /// Returns whether the client side is still writable; when not, the leg stops reading the upstream until
    /// `ProxyLeg.resumeReading()`.
    func relayBody(_ buffer: ByteBuffer, exchange: RequestExchange) -> Bool
    func relayFlush()
    func relayEnd(exchange: RequestExchange)
    func relayFailure(_ error: GatewayError, exchange: RequestExchange)
    func relayAbort(_ error: GatewayError, exchange: RequestExchange)

    /// An HTTP/2 upstream's head (`HTTP2ProxyLeg`): the status and its header list. `endsResponse` when the head
    /// is the whole response (gRPC's "trailers-only" answer: `grpc-status` in the one HEADERS frame); `relayEnd`
    /// follows either way.
    func relayHead(status: Int, fields: HPACKHeaders, endsResponse: Bool, exchange: RequestExchange)
    /// The end of an HTTP/2 upstream's response, with its trailers when it sent any (gRPC's `grpc-status`).
    func relayEnd(exchange: RequestExchange, trailers: HPACKHeaders?)
    /// The upstream answered 101 to a WebSocket opening handshake: the owner takes the upstream connection over.
    func switchToWebSocket(_ head: ParsedResponseHead, upstream: Channel, rest: ByteBuffer, exchange: RequestExchange)
}

extension UpstreamLegOwner {
    /// Owners that never send an opening handshake upstream cannot get a 101 (the decoder refuses it); should one
    /// arrive, the upstream connection is closed and the client gets 502.
    func switchToWebSocket(_ head: ParsedResponseHead, upstream: Channel, rest: ByteBuffer, exchange: RequestExchange) {
        upstream.close(promise: nil)
        relayFailure(.badGateway, exchange: exchange)
    }
}
