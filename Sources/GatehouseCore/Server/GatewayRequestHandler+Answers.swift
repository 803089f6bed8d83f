import NIOCore
import NIOHTTP1

/// Responses Gatehouse makes itself: the contract's errors and MOCK integrations.
extension GatewayRequestHandler {
    // MARK: Answers made by Gatehouse

    /// Answers before the body has been read. A closing error drains input for a while (lingering close) so the
    /// client sees the answer instead of a reset.
    func answerEarly(_ exchange: RequestExchange, error: GatewayError, context: ChannelHandlerContext) {
        if error.closesConnection {
            exchange.keepAlive = false
            writeError(exchange, error: error, context: context)
            state = .lingering
            finishLingering(exchange, context: context)
        } else {
            writeError(exchange, error: error, context: context)
            exchange.responseComplete = true
            state = .discarding(exchange)
        }
    }

    func answer(_ exchange: RequestExchange, error: GatewayError, context: ChannelHandlerContext) {
        writeError(exchange, error: error, context: context)
        exchange.responseComplete = true
        finishIfDone(exchange, context: context)
    }

    func writeError(_ exchange: RequestExchange, error: GatewayError, context: ChannelHandlerContext) {
        exchange.errorType = error.errorType
        let body = context.channel.allocator.buffer(string: error.jsonBody)
        let headers: HTTPHeaders = [
            "content-type": "application/json", "x-amzn-ErrorType": error.errorType,
            "content-length": String(body.readableBytes),
        ]
        write(
            exchange, status: error.status, headers: headers, body: body, closing: error.closesConnection,
            context: context)
    }

    func answerMock(_ exchange: RequestExchange, mock: MockResponse, context: ChannelHandlerContext) {
        write(exchange, status: mock.status, headers: mock.headers, body: mock.body, closing: false, context: context)
        exchange.responseComplete = true
        finishIfDone(exchange, context: context)
    }

    /// Writes a whole answer; `headers` already carry `content-length`.
    func write(
        _ exchange: RequestExchange, status: HTTPResponseStatus, headers: HTTPHeaders, body buffer: ByteBuffer,
        closing: Bool, context: ChannelHandlerContext
    ) {
        if closing { exchange.keepAlive = false }
        let head = responseHead(for: exchange, status: status, headers: headers, hasLength: true)
        exchange.status = Int(status.code)
        exchange.responseBytes = buffer.readableBytes
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if exchange.head.method != .HEAD && buffer.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The client-facing head: request id, and the connection semantics the client asked for.
    func responseHead(
        for exchange: RequestExchange, status: HTTPResponseStatus, headers: HTTPHeaders, hasLength: Bool
    ) -> HTTPResponseHead {
        var headers = headers
        Self.set(&headers, "x-amzn-RequestId", exchange.requestID)
        let version = exchange.head.version
        if version.major == 1 && version.minor == 0 && !hasLength {
            exchange.keepAlive = false
        }
        if !exchange.keepAlive {
            Self.set(&headers, "connection", "close")
        } else if version.major == 1 && version.minor == 0 {
            Self.set(&headers, "connection", "keep-alive")
        }
        return HTTPResponseHead(version: version.minor == 0 ? .http1_0 : .http1_1, status: status, headers: headers)
    }

    /// `replaceOrAdd`, without its removal pass (which allocates) when the name is absent — as it always is for
    /// relayed heads, whose copies of these headers were dropped on the way in.
    private static func set(_ headers: inout HTTPHeaders, _ name: String, _ value: String) {
        if headers.contains(name: name) {
            headers.replaceOrAdd(name: name, value: value)
        } else {
            headers.add(name: name, value: value)
        }
    }
}
