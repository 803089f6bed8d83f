import NIOCore
import NIOHPACK
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
        pendingHead = endHead(&writer, exchange, keepAlive: nil)
    }

    /// The same for an HTTP/2 upstream's head: its fields (pseudo-headers, HTTP/2's connection-specific fields and any
    /// value with CR, LF or NUL dropped) written as HTTP/1.1 fields.
    func relayHead(status: Int, fields: HPACKHeaders, endsResponse: Bool, exchange: RequestExchange) {
        guard let context else { return }
        var writer = beginHead(exchange, status: HTTPResponseStatus(statusCode: status), context: context)
        for (name, value, _) in fields where Self.relaysHTTP2Field(name: name, value: value) {
            writer.add(name, value)
        }
        pendingHead = endHead(&writer, exchange, keepAlive: nil)
    }

    static func relaysHTTP2Field(name: String, value: String) -> Bool {
        guard !name.hasPrefix(":"), !EndToEndHeaders.hopByHop.contains(name),
            !reservedResponseHeaders.contains(name)
        else { return false }
        return !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    func relayBody(_ buffer: ByteBuffer, exchange: RequestExchange) -> Bool {
        guard let context else { return false }
        exchange.responseBytes += buffer.readableBytes
        writeBody(buffer, exchange: exchange, context: context)
        return context.channel.isWritable
    }

    func relayFlush() {
        guard let context else { return }
        writePendingHead(context: context)
        context.flush()
    }

    func relayEnd(exchange: RequestExchange) {
        relayEnd(exchange: exchange, trailers: nil)
    }

    func relayEnd(exchange: RequestExchange, trailers: HPACKHeaders?) {
        guard let context else { return }
        proxy = nil
        if let trailers, exchange.framing == .chunked {
            writePendingHead(context: context)
            // HTTP/1.1 carries trailers after the last chunk (gRPC's `grpc-status`, `grpc-message`).
            var end = context.channel.allocator.buffer(capacity: 64)
            end.writeStaticString("0\r\n")
            for (name, value, _) in trailers where Self.relaysHTTP2Field(name: name, value: value) {
                end.writeString(name)
                end.writeStaticString(": ")
                end.writeString(value)
                end.writeStaticString("\r\n")
            }
            end.writeStaticString("\r\n")
            context.write(wrapOutboundOut(.byteBuffer(end)), promise: nil)
            context.flush()
        } else {
            writeEnd(exchange, context: context)
        }
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
        if let context { writePendingHead(context: context) }
        exchange.errorType = error.errorType
        noteRevocation()
        machine.integrationFailed(error)
        drive()
    }
}
