import NIOCore
import NIOHTTP1

/// Responses Gatehouse makes itself: the contract's errors and MOCK integrations.
extension HTTP1ConnectionHandler {
    // MARK: Answers made by Gatehouse

    /// Writes the contract's error as the whole answer; `keepAlive` is what the state machine decided for it.
    func writeError(
        _ exchange: RequestExchange, error: GatewayError, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        exchange.errorType = error.errorType
        if exchange.isGRPC {
            writeGRPCError(
                exchange, status: GRPCStatus(error), errorType: error.errorType, keepAlive: keepAlive,
                context: context)
            return
        }
        let body = context.channel.allocator.buffer(string: error.jsonBody)
        let headers: HTTPHeaders = [
            "content-type": "application/json", "x-amzn-ErrorType": error.errorType,
            "content-length": String(body.readableBytes),
        ]
        write(exchange, status: error.status, headers: headers, body: body, keepAlive: keepAlive, context: context)
    }

    /// A gRPC client's answer to a refusal: HTTP 200, `content-type: application/grpc`, `grpc-status` and
    /// `grpc-message` in the head (a "trailers-only" response), no body; `x-amzn-ErrorType` stays for operators.
    func writeGRPCError(
        _ exchange: RequestExchange, status: GRPCStatus, errorType: String, keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        let headers: HTTPHeaders = [
            "content-type": "application/grpc", "grpc-status": String(status.code),
            "grpc-message": status.encodedMessage, "x-amzn-ErrorType": errorType, "content-length": "0",
        ]
        write(
            exchange, status: .ok, headers: headers, body: context.channel.allocator.buffer(capacity: 0),
            keepAlive: keepAlive, context: context)
    }

    func answerMock(_ exchange: RequestExchange, mock: MockResponse, context: ChannelHandlerContext) {
        write(exchange, status: mock.status, headers: mock.headers, body: mock.body, keepAlive: nil, context: context)
    }

    /// Writes a whole answer; `headers` already carry `content-length`. `keepAlive` is given for errors; nil asks the
    /// state machine (`endHead`).
    func write(
        _ exchange: RequestExchange, status: HTTPResponseStatus, headers: HTTPHeaders, body buffer: ByteBuffer,
        keepAlive: Bool?, context: ChannelHandlerContext
    ) {
        var writer = beginHead(exchange, status: status, context: context)
        for (name, value) in headers where !Self.gatewayResponseHeaders.contains(name) {
            writer.add(name, value)
        }
        exchange.responseBytes = buffer.readableBytes
        pendingHead = endHead(&writer, exchange, keepAlive: keepAlive)
        writeBody(buffer, exchange: exchange, context: context)
        writeEnd(exchange, context: context)
    }

    // MARK: Bytes on the wire

    /// Headers only Gatehouse sets on its answers: a configured MOCK header of these names is not sent, so that the
    /// request id and the framing are never given twice or contradicted.
    static let gatewayResponseHeaders = HeaderNameSet([
        "x-amzn-requestid", "connection", "keep-alive", "transfer-encoding",
    ])

    /// Starts a client response head: the status line.
    func beginHead(
        _ exchange: RequestExchange, status: HTTPResponseStatus, context: ChannelHandlerContext
    ) -> ResponseHeadWriter {
        exchange.status = Int(status.code)
        return ResponseHeadWriter(allocator: context.channel.allocator, version: exchange.head.version, status: status)
    }

    /// Ends a head: the body's framing is decided from what was written (and, for an HTTP/1.0 client, whether the
    /// connection can stay open: only with a length, or without a body), then Gatehouse's own headers — the request
    /// id, and the connection semantics the state machine decided (an error's `keepAlive` comes with it; for any
    /// other answer the machine is told the framing and decides).
    func endHead(_ writer: inout ResponseHeadWriter, _ exchange: RequestExchange, keepAlive decided: Bool?)
        -> ByteBuffer
    {
        // A reload revoked the client: this answer is the last.
        noteRevocation()
        let version = exchange.head.version
        exchange.framing = ResponseBodyFraming(
            statusCode: exchange.status, requestMethod: exchange.head.method,
            version: version, hasContentLength: writer.hasContentLength)
        let keepAlive: Bool
        if let decided {
            keepAlive = decided && !connection.isRevoked && exchange.framing != .untilClose
        } else {
            keepAlive = machine.responseHeadSent(untilClose: exchange.framing == .untilClose)
        }
        writer.add("x-amzn-RequestId", exchange.requestID)
        exchange.forEachUsageField { writer.add($0, $1) }
        if !keepAlive {
            writer.add("connection", "close")
        } else if version == .http1_0 {
            writer.add("connection", "keep-alive")
        }
        return writer.finish(framing: exchange.framing)
    }

    /// Chunks up to this size are sent with their framing in one buffer (one TLS record), and a first body part up to
    /// this size joins the head; larger ones are written on their own, so the body is not copied.
    static let joinedChunkLimit = 4096

    /// Writes a body part — after the head still pending, joined to it when the part is small.
    func writeBody(_ buffer: ByteBuffer, exchange: RequestExchange, context: ChannelHandlerContext) {
        let count = buffer.readableBytes
        switch exchange.framing {
        case .none:
            writePendingHead(context: context)
        case .fixed, .untilClose:
            if count <= Self.joinedChunkLimit, var head = pendingHead {
                pendingHead = nil
                head.writeImmutableBuffer(buffer)
                context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
                return
            }
            writePendingHead(context: context)
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        case .chunked:
            guard count > 0 else { return }
            if count <= Self.joinedChunkLimit {
                var joined: ByteBuffer
                if let head = pendingHead {
                    pendingHead = nil
                    joined = head
                    joined.reserveCapacity(minimumWritableBytes: count + 20)
                    ResponseHeadWriter.writeChunkHeader(count, to: &joined)
                } else {
                    joined = ResponseHeadWriter.chunkHeader(
                        count, allocator: context.channel.allocator, reserving: count + 2)
                }
                joined.writeImmutableBuffer(buffer)
                joined.writeStaticString("\r\n")
                context.write(wrapOutboundOut(.byteBuffer(joined)), promise: nil)
            } else {
                writePendingHead(context: context)
                let header = ResponseHeadWriter.chunkHeader(count, allocator: context.channel.allocator)
                context.write(wrapOutboundOut(.byteBuffer(header)), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(ResponseHeadWriter.chunkEnd)), promise: nil)
            }
        }
    }

    /// Writes the head still waiting for a body part to join it (see `pendingHead`).
    func writePendingHead(context: ChannelHandlerContext) {
        guard let head = pendingHead else { return }
        pendingHead = nil
        context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
    }

    /// Ends the body (the last chunk, when chunked) and sends everything written.
    func writeEnd(_ exchange: RequestExchange, context: ChannelHandlerContext) {
        writePendingHead(context: context)
        if exchange.framing == .chunked {
            context.write(wrapOutboundOut(.byteBuffer(ResponseHeadWriter.lastChunk)), promise: nil)
        }
        context.flush()
    }
}
