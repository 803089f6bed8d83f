import NIOCore
import NIOHTTP1

/// Responses relayed from an `HTTP_PROXY` upstream, called by `ProxyLeg` on the connection's event loop.
extension GatewayRequestHandler {
    // MARK: Answers relayed from the upstream

    /// The upstream's own request id never replaces Gatehouse's.
    static let reservedResponseHeaders = HeaderNameSet(["x-amzn-requestid"])

    func relayHead(_ head: HTTPResponseHead, exchange: RequestExchange) {
        guard let context else { return }
        var relayed: [(String, String)] = []
        relayed.reserveCapacity(head.headers.count + 2)
        EndToEndHeaders.copy(head.headers, into: &relayed, except: Self.reservedResponseHeaders)
        let headers = HTTPHeaders(relayed)
        exchange.status = Int(head.status.code)
        let hasLength = headers.contains(name: "content-length") || !Self.allowsBody(head.status, exchange.head.method)
        context.write(
            wrapOutboundOut(
                .head(responseHead(for: exchange, status: head.status, headers: headers, hasLength: hasLength))),
            promise: nil)
    }

    func relayBody(_ buffer: ByteBuffer, exchange: RequestExchange) -> Bool {
        guard let context else { return false }
        exchange.responseBytes += buffer.readableBytes
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        return context.channel.isWritable
    }

    func relayFlush() {
        context?.flush()
    }

    func relayEnd(exchange: RequestExchange) {
        guard let context else { return }
        proxy = nil
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        exchange.responseComplete = true
        finishIfDone(exchange, context: context)
    }

    /// The upstream failed before answering: 502 or 504 from the contract's table.
    func relayFailure(_ error: GatewayError, exchange: RequestExchange) {
        guard let context else { return }
        proxy = nil
        answer(exchange, error: error, context: context)
    }

    /// The upstream failed mid-response: the client's response cannot be completed, so the connection ends.
    func relayAbort(exchange: RequestExchange) {
        guard let context else { return }
        proxy = nil
        exchange.keepAlive = false
        state = .lingering
        observer.requestFinished(exchange.accessRecord(connection: connection))
        context.close(promise: nil)
    }

    static func allowsBody(_ status: HTTPResponseStatus, _ method: HTTPMethod) -> Bool {
        if method == .HEAD { return false }
        switch status.code {
        case 100..<200, 204, 304: return false
        default: return true
        }
    }
}
