import Crypto
import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2

/// The one handler of an HTTP/2 stream's channel: one request, one answer. The stream's HEADERS run the same
/// `RequestPipeline` as an HTTP/1.1 head (`HTTP2RequestHead` reads the header list), DATA frames are the body (under
/// `max_body_bytes`, hashed as they arrive when the signature covers it), and the answer — the contract's error,
/// a MOCK, or an `HTTP_PROXY` upstream's response relayed by `ProxyLeg` — leaves through `HTTP2ResponseWriter`.
///
/// Phases: `awaitingHead` → `receiving` (body) → `responding` (gates 5b–8 decided, the integration runs) →
/// `finished` (access record written). An answer can come early (a refused head, a body past the limit): the request's
/// remaining DATA is then refused with RST_STREAM(NO_ERROR) after the complete answer (RFC 9113 §8.1). Deadlines:
/// `body_timeout` between DATA frames (408), the integration timeout (504), through one timer per stream.
///
/// Flow control is NIOHTTP2's: DATA is consumed as it is read, so the client's window only reopens as fast as this
/// stream takes it, and a response relayed from the upstream pauses the upstream read while the stream is not
/// writable. A buffered body is charged to the connection's `HTTP2BodyBudgetLedger`: when the connection holds its
/// `max_connection_body_bytes`, the stream stops reading (autoRead off, so NIOHTTP2 sends no WINDOW_UPDATE and the
/// client waits) until bytes are released; `body_timeout` still bounds that wait (408).
///
/// A streamed body (`streamsBody`): on an HTTP/2 upstream (gRPC), when the signature does not cover the payload (a
/// NONE route, or `UNSIGNED-PAYLOAD` declared), gates 5b–8 do not depend on the body, so they run at the end of the
/// head and each DATA frame is relayed to the upstream stream as it arrives (`HTTP2ProxyLeg`), the client's stream
/// paused while the upstream's window is full. `max_body_bytes` still counts the whole body, and `body_timeout`
/// bounds each silence of the client since the last frame either way (`bodyTimer`, next to the integration's
/// deadline); either refusal cancels the upstream stream and answers the contract's error, or — when the answer is
/// already under way — ends a gRPC response with trailers carrying its gRPC status (another one is reset).
final class HTTP2StreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    enum Phase {
        case awaitingHead
        case receiving
        case responding
        case finished
    }

    private let store: SnapshotStore
    let connection: ConnectionState
    private let pools: UpstreamPools
    private let observer: GatewayObserver
    private let limits: GatewayLimits
    private let websockets: WebSocketRegistry
    /// The connection's buffered-body budget (nil: unbounded, for handlers made outside a connection).
    private let bodyBudget: HTTP2BodyBudgetLedger?
    private var budgetStream: HTTP2BodyBudget.Stream?
    private(set) var phase = Phase.awaitingHead
    private(set) var exchange: RequestExchange?
    /// The response writer of the current exchange, for whatever answers it (see `HTTP2ResponseWriter`).
    private(set) var writer: HTTP2ResponseWriter?
    /// The request's trailers, when the client sent any (kept for integrations that forward them).
    private(set) var requestTrailers: HPACKHeaders?
    private var requestEnded = false
    private var bodyBytes = 0
    private var proxy: (any IntegrationLeg)?
    private var timer: LazyDeadlineTimer?
    /// The body relayed as it arrives (see the type's comment).
    private var streamsBody = false
    /// `body_timeout` while a streamed body is still open (the stream's `timer` is the integration's meanwhile).
    private var bodyTimer: LazyDeadlineTimer?
    private var context: ChannelHandlerContext?

    init(
        store: SnapshotStore, connection: ConnectionState, pools: UpstreamPools, observer: GatewayObserver,
        limits: GatewayLimits, websockets: WebSocketRegistry = WebSocketRegistry(),
        bodyBudget: HTTP2BodyBudgetLedger? = nil
    ) {
        self.websockets = websockets
        self.bodyBudget = bodyBudget
        self.store = store
        self.connection = connection
        self.pools = pools
        self.observer = observer
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        timer = LazyDeadlineTimer(eventLoop: context.eventLoop) { [weak self] in self?.timerFired() }
        bodyTimer = LazyDeadlineTimer(eventLoop: context.eventLoop) { [weak self] in
            self?.refuseStreamedBody(.requestTimeout)
        }
        budgetStream = bodyBudget?.register { [weak self] in self?.resumeBufferedBody() }
    }

    /// The writer holds the context, which holds this handler: both links are cut here, or every stream's handler,
    /// writer, exchange and channel would outlive the stream.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        writer = nil
        exchange = nil
        proxy = nil
        timer?.cancel()
        bodyTimer?.cancel()
        releaseBudget()
    }

    // MARK: Frames in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            switch phase {
            case .awaitingHead:
                startRequest(headers.headers, endStream: headers.endStream, context: context)
            case .receiving:
                requestTrailers = Self.relayedTrailers(headers.headers)
                endOfRequest()
            case .responding where streamsBody && !requestEnded:
                requestEnded = true
                bodyTimer?.cancel()
                (proxy as? HTTP2ProxyLeg)?.relayRequestTrailers(Self.relayedTrailers(headers.headers))
            case .responding, .finished:
                if headers.endStream { requestEnded = true }
            }
        case .data(let data):
            guard case .byteBuffer(let buffer) = data.data else { return }
            receiveBody(buffer, endStream: data.endStream)
        default:
            return
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { proxy?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    /// The stream closed: answered (the close can come while the answer's last frame is flushed, before `finish`),
    /// reset by the client, or the connection went away. An upstream call still running is abandoned and the exchange
    /// is not recorded, as when an HTTP/1.1 client disconnects mid-request.
    func channelInactive(context: ChannelHandlerContext) {
        if writer?.ended == true {
            finish()
        } else {
            proxy?.abandon()
            proxy = nil
            phase = .finished
            exchange = nil
        }
        timer?.cancel()
        bodyTimer?.cancel()
        releaseBudget()
        context.fireChannelInactive()
    }

    /// Inbound stream errors (a malformed header block, a content-length mismatch) NIOHTTP2 has already answered
    /// with RST_STREAM; a write it refused (a response it finds malformed) leaves the stream open, so it is reset here.
    /// Through RST_STREAM rather than `close()`: closing the stream channel under an error NIOHTTP2 is handling
    /// reports the stream closed twice to the connection's management handler.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        proxy?.abandon()
        proxy = nil
        if let writer {
            writer.reset(.internalError)
        } else {
            context.writeAndFlush(wrapOutboundOut(.rstStream(.internalError)), promise: nil)
        }
        if phase != .finished {
            phase = .finished
            timer?.cancel()
            exchange = nil
        }
        releaseBudget()
    }

    // MARK: The request

    /// Gates 3 to 5a on the header list.
    private func startRequest(_ headers: HPACKHeaders, endStream: Bool, context: ChannelHandlerContext) {
        requestEnded = endStream
        let snapshot = store.current
        switch HTTP2RequestHead.make(
            headers, endStream: endStream, maxHeadBytes: snapshot.limits.maxHeaderBytes,
            maxBodyBytes: snapshot.limits.maxBodyBytes)
        {
        case .failure(let error):
            let exchange = RequestExchange(head: .unparsed, snapshot: snapshot)
            begin(exchange, context: context)
            answer(GatewayError(error))
        case .success(let head):
            let exchange = RequestExchange(head: head.line, snapshot: snapshot)
            exchange.parsed = head.parsed
            exchange.isGRPC = GRPCStatus.isGRPC(contentType: head.parsed.firstValue("content-type"))
            begin(exchange, context: context)
            admit(head, exchange: exchange, context: context)
        }
    }

    private func begin(_ exchange: RequestExchange, context: ChannelHandlerContext) {
        self.exchange = exchange
        writer = HTTP2ResponseWriter(context: context, exchange: exchange)
        phase = .receiving
    }

    private func admit(_ head: HTTP2RequestHead, exchange: RequestExchange, context: ChannelHandlerContext) {
        let pipeline = RequestPipeline(snapshot: exchange.snapshot, connection: connection)
        switch pipeline.admitHead(
            head, method: head.line.method.rawValue, target: head.line.uri, framing: head.framing,
            now: exchange.receivedAt)
        {
        case .failure(let rejection):
            exchange.noteRejection(rejection, observer: observer)
            answer(rejection.error)
        case .success(let admitted):
            exchange.admitted = admitted
            if head.isWebSocketConnect {
                // RFC 8441: only a `websocket: true` route has a tunnel to offer; for any other there is no route for
                // this request. The CONNECT carries no body: the gates finish at once.
                guard admitted.match.route.websocket else {
                    exchange.rejectedMatch = admitted.match
                    exchange.admitted = nil
                    answer(.notFound)
                    return
                }
                exchange.upgradesToWebSocket = true
                endOfRequest()
                return
            }
            exchange.hashesBody = admitted.pendingSignature?.needsBodyHash == true
            if !requestEnded, !exchange.hashesBody, case .httpProxy(let integration) = admitted.match.route.integration,
                case .http2 = integration.upstream
            {
                // Nothing left to check depends on the body: decide now and relay the body as it comes.
                streamsBody = true
                if head.parsed.listContains("100-continue", inFieldsNamed: "expect") { writer?.sendContinue() }
                decide()
                return
            }
            if case .success(.length(let length)) = head.framing {
                exchange.body = .requestBody(declared: length, allocator: context.channel.allocator)
            }
            if requestEnded {
                endOfRequest()
            } else {
                if let budgetStream { bodyBudget?.open(budgetStream) }
                // The head passed every check it alone decides: a client waiting for it may send its body now.
                if head.parsed.listContains("100-continue", inFieldsNamed: "expect") { writer?.sendContinue() }
                timer?.set(in: limits.bodyTimeout)
            }
        }
    }

    private func receiveBody(_ buffer: ByteBuffer, endStream: Bool) {
        let ended = requestEnded
        if endStream { requestEnded = true }
        if streamsBody, phase == .responding, !ended {
            relayBody(buffer, endStream: endStream)
            return
        }
        guard phase == .receiving, let exchange else { return }
        bodyBytes += buffer.readableBytes
        if bodyBytes > exchange.snapshot.limits.maxBodyBytes {
            answer(.requestTooLong)
            return
        }
        if buffer.readableBytes > 0 {
            if exchange.hashesBody {
                if exchange.hasher == nil { exchange.hasher = SHA256() }
                buffer.withUnsafeReadableBytes { exchange.hasher!.update(bufferPointer: $0) }
            }
            exchange.appendBody(buffer)
            if let budgetStream, let bodyBudget, !bodyBudget.charge(buffer.readableBytes, to: budgetStream),
                !endStream
            {
                pauseBufferedBody()
            }
        }
        if endStream {
            endOfRequest()
        } else {
            timer?.set(in: limits.bodyTimeout)
        }
    }

    /// The connection holds its budget of buffered bodies: no more DATA is read (so no WINDOW_UPDATE is sent) until
    /// the ledger resumes this stream. `body_timeout`, armed at the last DATA, still runs.
    private func pauseBufferedBody() {
        try? context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
    }

    /// The ledger freed room for this stream: it reads again — on the next loop tick, not inside the call that
    /// released the bytes (another stream's answer, in the middle of NIOHTTP2's work).
    private func resumeBufferedBody() {
        guard let context else { return }
        context.eventLoop.assumeIsolated().execute { [weak self] in
            guard let self, let context = self.context, self.phase == .receiving else { return }
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
            context.read()
        }
    }

    /// The stream's buffered body no longer counts against the connection (answered, reset or closed).
    private func releaseBudget() {
        guard let budgetStream else { return }
        self.budgetStream = nil
        bodyBudget?.release(budgetStream)
    }

    /// A piece of a streamed body, to the upstream: counted against `max_body_bytes`, and the client's stream paused
    /// while the upstream stream's window is full.
    private func relayBody(_ buffer: ByteBuffer, endStream: Bool) {
        guard let exchange, let context else { return }
        bodyBytes += buffer.readableBytes
        if bodyBytes > exchange.snapshot.limits.maxBodyBytes {
            refuseStreamedBody(.requestTooLong)
            return
        }
        if endStream { bodyTimer?.cancel() } else { bodyTimer?.set(in: limits.bodyTimeout) }
        // The upstream already answered in full: the rest of the body is refused by `finish`.
        guard let leg = proxy as? HTTP2ProxyLeg else { return }
        if !leg.relayRequestBody(buffer, endStream: endStream), !endStream {
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
    }

    /// The upstream stream can take more: read the client's stream again.
    private func resumeBody() {
        guard let context, phase == .responding else { return }
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        context.read()
    }

    /// A streamed body past `max_body_bytes` (413) or silent past `body_timeout` (408): the upstream call is
    /// cancelled and the client answered (as trailers when a gRPC answer is under way).
    private func refuseStreamedBody(_ error: GatewayError) {
        guard streamsBody, !requestEnded || error.status == .payloadTooLarge, phase == .responding else { return }
        proxy?.abandon()
        proxy = nil
        answer(error, endsStartedGRPCAnswer: true)
    }

    /// Gates 5b, 6 (and 7–8) once the whole body is in, then the integration.
    private func endOfRequest() {
        requestEnded = true
        if let budgetStream { bodyBudget?.finishReceiving(budgetStream) }
        decide()
    }

    /// Gates 5b, 6 (and 7–8), then the integration: once the body is in, or at the end of the head for a streamed
    /// body.
    private func decide() {
        guard phase == .receiving, let exchange, let admitted = exchange.admitted else { return }
        phase = .responding
        timer?.clear()
        let pipeline = RequestPipeline(snapshot: exchange.snapshot, connection: connection)
        let verdict = pipeline.finish(
            admitted, method: exchange.head.method.rawValue, bodySHA256Hex: exchange.bodyDigestHex(),
            now: exchange.receivedAt)
        exchange.principal = verdict.principal
        exchange.usage = verdict.usage
        if let error = verdict.refusal {
            if error.status == .forbidden {
                observer.authenticationFailed(apiID: admitted.match.api.id, reason: error.errorType)
            }
            answer(error)
            return
        }
        startIntegration(exchange, admitted: admitted)
    }

    private func startIntegration(_ exchange: RequestExchange, admitted: RequestPipeline.Admitted) {
        guard let context, let timer else { return }
        switch admitted.match.route.integration {
        case .mock(let mock):
            var headers = HPACKHeaders()
            for (name, value) in mock.headers
            where !HTTP1ConnectionHandler.gatewayResponseHeaders.contains(name)
                && !EndToEndHeaders.hopByHop.contains(name)
            {
                headers.add(name: name.lowercased(), value: value)
            }
            headers.replaceOrAdd(name: "content-length", value: String(mock.body.readableBytes))
            writeWhole(status: Int(mock.status.code), headers: headers, body: mock.body)
            finish()
        case .httpProxy(let integration):
            if case .http2 = integration.upstream {
                let leg = HTTP2ProxyLeg(
                    handler: self, exchange: exchange, integration: integration,
                    connections: pools.http2(for: context.eventLoop), connection: connection, deadline: timer,
                    streamsBody: streamsBody)
                proxy = leg
                if streamsBody {
                    leg.onWritable = { [weak self] in self?.resumeBody() }
                    bodyTimer?.set(in: limits.bodyTimeout)
                } else {
                    leg.bufferedTrailers = requestTrailers
                }
                leg.start()
                return
            }
            let leg = ProxyLeg(
                handler: self, exchange: exchange, integration: integration,
                pool: pools.pool(for: context.eventLoop), connection: connection, deadline: timer)
            proxy = leg
            leg.start()
        }
    }

    // MARK: Answers

    /// The contract's error as the whole answer; a request still sending its body is then told to stop
    /// (RST_STREAM NO_ERROR after the complete response, RFC 9113 §8.1). When a head was already relayed the
    /// response is cut off (RST_STREAM INTERNAL_ERROR) — or, with `endsStartedGRPCAnswer` on a gRPC call, ended with
    /// trailers carrying the error's gRPC status, which a gRPC client reports as the call's outcome.
    func answer(_ error: GatewayError, endsStartedGRPCAnswer: Bool = false) {
        guard let exchange, phase != .finished else { return }
        exchange.errorType = error.errorType
        guard let writer, !writer.headSent else {
            if endsStartedGRPCAnswer, exchange.isGRPC, let writer, !writer.ended {
                writer.sendTrailers(Self.grpcStatusFields(error))
                writer.flush()
                finish()
                return
            }
            // A head was already relayed: the response can only be cut off.
            self.writer?.reset(.internalError)
            finish()
            return
        }
        if exchange.isGRPC {
            // A gRPC client reads `grpc-status`: a trailers-only answer (HEADERS with END_STREAM), HTTP 200.
            var headers = Self.grpcStatusFields(error)
            headers.add(name: "content-type", value: "application/grpc")
            writeWhole(status: 200, headers: headers, body: ByteBuffer())
            finish()
            return
        }
        let body = ByteBuffer(string: error.jsonBody)
        let headers: HPACKHeaders = [
            "content-type": "application/json", "x-amzn-errortype": error.errorType,
            "content-length": String(body.readableBytes),
        ]
        writeWhole(status: Int(error.status.code), headers: headers, body: body)
        finish()
    }

    /// `grpc-status`, `grpc-message` and `x-amzn-errortype` for a gateway error on a gRPC call.
    private static func grpcStatusFields(_ error: GatewayError) -> HPACKHeaders {
        let status = GRPCStatus(error)
        return [
            "grpc-status": String(status.code), "grpc-message": status.encodedMessage,
            "x-amzn-errortype": error.errorType,
        ]
    }

    /// The client's request trailers as forwarded upstream: lowercase names, without pseudo-headers,
    /// connection-specific fields, names Gatehouse owns or consumes and their look-alikes (the strict
    /// `ForwardedHeaderRule`: no names holding `_`).
    static func relayedTrailers(_ trailers: HPACKHeaders) -> HPACKHeaders {
        var relayed = HPACKHeaders()
        for (name, value, _) in trailers where HTTP1ConnectionHandler.relaysHTTP2Field(name: name, value: value) {
            let lowered = name.lowercased()
            let owned = UpstreamRequestBuilder.reservedRequestHeaders.contains(lowered)
            guard Self.trailerRule.forwards(lowered.utf8), !owned else { continue }
            relayed.add(name: lowered, value: value)
        }
        return relayed
    }

    private static let trailerRule = ForwardedHeaderRule()

    private func writeWhole(status: Int, headers: HPACKHeaders, body: ByteBuffer) {
        guard let writer else { return }
        if body.readableBytes == 0 {
            writer.sendHead(status: status, headers: headers, endStream: true)
        } else {
            writer.sendHead(status: status, headers: headers)
            writer.sendData(body, endStream: true)
        }
        writer.flush()
    }

    /// The exchange is answered: its access record, and the end of a request body nobody will read.
    func finish() {
        guard phase != .finished, let exchange else { return }
        phase = .finished
        timer?.cancel()
        bodyTimer?.cancel()
        // The answer is written: the body is no longer needed (an upstream leg that sent it has ended).
        exchange.body = nil
        releaseBudget()
        if !requestEnded, context?.channel.isActive == true { writer?.reset(.noError) }
        observer.requestFinished(exchange.accessRecord(connection: connection))
        if connection.isRevoked {
            // A reload revoked the client (contract section 3): this answer is its connection's last. GOAWAY through
            // the connection's management handler, as on drain: the streams already open still finish.
            context?.channel.parent?.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    private func timerFired() {
        switch phase {
        case .receiving:
            answer(.requestTimeout)
        case .responding:
            proxy?.timedOut()
        case .awaitingHead, .finished:
            return
        }
    }
}

// MARK: Answers relayed from the upstream

extension HTTP2StreamHandler: UpstreamLegOwner {
    /// The upstream's status and end-to-end fields, names lowercased (HTTP/2 requires it); hop-by-hop and
    /// connection-specific fields stop here (RFC 9113 §8.2.2).
    func relayHead(_ head: ParsedResponseHead, exchange: RequestExchange) {
        guard let writer else { return }
        var headers = HPACKHeaders()
        headers.reserveCapacity(head.fields.count)
        let reserved =
            exchange.reportsUsage
            ? HTTP1ConnectionHandler.reservedUsageResponseHeaders : HTTP1ConnectionHandler.reservedResponseHeaders
        EndToEndHeaders.forEachForwardedField(of: head, except: reserved) {
            headers.add(name: head.name($0).lowercased(), value: head.valueString($0))
        }
        writer.sendHead(status: head.statusCode, headers: headers)
    }

    func relayBody(_ buffer: ByteBuffer, exchange: RequestExchange) -> Bool {
        guard let writer else { return false }
        // A streamed call is a conversation: the client may be waiting for this before it sends more.
        if streamsBody, !requestEnded { bodyTimer?.set(in: limits.bodyTimeout) }
        writer.sendData(buffer)
        return writer.isWritable
    }

    func relayFlush() {
        writer?.flush()
    }

    func relayEnd(exchange: RequestExchange) {
        proxy = nil
        writer?.end()
        writer?.flush()
        finish()
    }

    /// RFC 8441: the upstream accepted the WebSocket. The CONNECT is answered 200 (with the upstream's end-to-end
    /// fields, e.g. `sec-websocket-protocol`, but not `sec-websocket-accept`, which HTTP/2 does not use), recorded, and
    /// the stream becomes the tunnel's client leg.
    func switchToWebSocket(
        _ head: ParsedResponseHead, upstream: Channel, rest: ByteBuffer, exchange: RequestExchange
    ) {
        guard let context, let writer, let admitted = exchange.admitted, phase == .responding else {
            upstream.close(promise: nil)
            return
        }
        proxy = nil
        var headers = HPACKHeaders()
        EndToEndHeaders.forEachForwardedField(of: head, except: Self.notRelayedOnConnect) {
            headers.add(name: head.name($0).lowercased(), value: head.valueString($0))
        }
        writer.sendHead(status: 200, headers: headers)
        writer.flush()
        phase = .finished
        timer?.cancel()
        observer.requestFinished(exchange.accessRecord(connection: connection))
        WebSocketTunnel.join(
            owner: WebSocketTunnel.Owner(
                requestID: exchange.requestID, apiID: admitted.match.api.id, stage: admitted.match.stage),
            clientContext: context, clientAdapters: [HTTP2StreamBytesHandler()], clientHeld: nil, upstream: upstream,
            upstreamRest: rest, connection: connection, observer: observer, registry: websockets,
            limits: exchange.snapshot.limits)
    }

    static let notRelayedOnConnect = HeaderNameSet(["x-amzn-requestid", "sec-websocket-accept"])

    /// An HTTP/2 upstream's head: its fields minus pseudo-headers and connection-specific ones.
    func relayHead(status: Int, fields: HPACKHeaders, endsResponse: Bool, exchange: RequestExchange) {
        guard let writer else { return }
        var headers = HPACKHeaders()
        headers.reserveCapacity(fields.count)
        for (name, value, _) in fields where HTTP1ConnectionHandler.relaysHTTP2Field(name: name, value: value) {
            headers.add(name: name.lowercased(), value: value)
        }
        // A trailers-only answer stays one HEADERS frame with END_STREAM: gRPC clients read its grpc-status there.
        writer.sendHead(status: status, headers: headers, endStream: endsResponse)
        if streamsBody, !requestEnded { bodyTimer?.set(in: limits.bodyTimeout) }
    }

    /// The end of an HTTP/2 upstream's response: its trailers (gRPC's `grpc-status`, `grpc-message`) as the
    /// stream's trailing HEADERS, or an empty DATA with END_STREAM.
    func relayEnd(exchange: RequestExchange, trailers: HPACKHeaders?) {
        proxy = nil
        if let trailers {
            var relayed = HPACKHeaders()
            for (name, value, _) in trailers where HTTP1ConnectionHandler.relaysHTTP2Field(name: name, value: value) {
                relayed.add(name: name.lowercased(), value: value)
            }
            writer?.sendTrailers(relayed)
        } else {
            writer?.end()
        }
        writer?.flush()
        finish()
    }

    func relayFailure(_ error: GatewayError, exchange: RequestExchange) {
        proxy = nil
        answer(error)
    }

    func relayAbort(_ error: GatewayError, exchange: RequestExchange) {
        proxy = nil
        answer(error)
    }
}
