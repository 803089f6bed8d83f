import NIOCore
import NIOHTTP1

/// Responses relayed from an `HTTP_PROXY` upstream, called by `ProxyLeg` on the connection's event loop.
extension HTTP1ConnectionHandler: UpstreamLegOwner {
    // MARK: Answers relayed from the upstream

    /// The upstream's own request id never replaces Gatehouse's.
    static let reservedResponseHeaders = HeaderNameSet(["x-amzn-requestid"])
    /// On a route where a plan applies, Gatehouse's `RateLimit` fields replace the upstream's.
    static let reservedUsageResponseHeaders = HeaderNameSet(["x-amzn-requestid", "ratelimit", "ratelimit-policy"])

    /// The client's status line (the upstream's code, NIO's reason phrase for it), then the upstream's end-to-end
    /// fields copied byte for byte from its parsed head, then Gatehouse's framing, request id and connection fields
    /// (`endHead`).
    func relayHead(_ head: ParsedResponseHead, exchange: RequestExchange) {
        guard let context else { return }
        var writer = beginHead(exchange, status: HTTPResponseStatus(statusCode: head.statusCode), context: context)
        let reserved = exchange.reportsUsage ? Self.reservedUsageResponseHeaders : Self.reservedResponseHeaders
        EndToEndHeaders.forEachForwardedField(of: head, except: reserved) {
            writer.add(fieldAt: $0, of: head)
        }
        context.write(wrapOutboundOut(.byteBuffer(endHead(&writer, exchange, keepAlive: nil))), promise: nil)
    }

    func relayBody(_ buffer: ByteBuffer, exchange: RequestExchange) -> Bool {
        guard let context else { return false }
        exchange.responseBytes += buffer.readableBytes
        writeBody(buffer, exchange: exchange, context: context)
        return context.channel.isWritable
    }

    func relayFlush() {
        context?.flush()
    }

    func relayEnd(exchange: RequestExchange) {
        guard let context else { return }
        proxy = nil
        writeEnd(exchange, context: context)
        noteRevocation()
        machine.responseEnded()
        drive()
    }

    /// The upstream failed before answering: 502 or 504 from the contract's table.
    func relayFailure(_ error: GatewayError, exchange: RequestExchange) {
        proxy = nil
        noteRevocation()
        machine.integrationFailed(error)
        drive()
    }

    /// The upstream failed mid-response: the client's response cannot be completed, so the connection ends. The
    /// access record keeps the status that was sent and says what happened in `ERROR_TYPE` (`error`'s type): a
    /// record with a 2xx–5xx status from the upstream and `BadGatewayException` or `IntegrationTimeoutException` is a
    /// truncated response, whose `RESPONSE_BYTES` tells how much of the body was sent.
    func relayAbort(_ error: GatewayError, exchange: RequestExchange) {
        proxy = nil
        exchange.errorType = error.errorType
        noteRevocation()
        machine.integrationFailed(error)
        drive()
    }
}
