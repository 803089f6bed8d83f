import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// The one handler behind TLS on a client connection: decodes the request stream (`RequestDecoder`, Gatehouse's own
/// strict HTTP/1.1 parser), feeds every event to `HTTP1ConnectionStateMachine` and performs what it decides — runs the
/// `RequestPipeline`'s phases, writes answers (`ResponseHeadWriter`), starts upstream legs (`ProxyLeg`), moves the
/// connection's one timer. It decides nothing itself.
///
/// Holds at most an incomplete head (bounded by `max_header_bytes`) between reads: body bytes are handed on as they
/// arrive, as slices of what was read. Between requests a connection holds this handler, its machine (with an empty
/// queue) and one timer task.
final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    /// Responses leave as bytes (`ResponseHeadWriter`): there is no HTTP encoder in the pipeline.
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData
    typealias Machine = HTTP1ConnectionStateMachine<HTTP1RequestHead>

    private let store: SnapshotStore
    let connection: ConnectionState
    private let pools: UpstreamPools
    let observer: GatewayObserver
    private let limits: GatewayLimits
    private let drainSignal: DrainSignal
    let websockets: WebSocketRegistry
    var machine = Machine()
    private var decoder: RequestDecoder
    /// Bytes read and not yet decoded: part of a head.
    private var pendingInput: ByteBuffer?
    /// Bytes read after a request that asked to upgrade, held undecoded until its answer is known: after a 101 they
    /// are the first WebSocket frames, after any other answer the next request. Reading pauses meanwhile.
    var heldInput: ByteBuffer?
    /// Whether input is held (see `heldInput`): from the end of a request naming `Upgrade` until its record.
    private var holdingInput = false
    /// A read the channel asked for while input was held.
    private var readWhileHolding = false
    /// Request heads decoded, and access records emitted, on this connection: input held after the n-th request is
    /// released by the n-th record, not by the record of a request pipelined before it.
    private var headsDecoded = 0
    private var recordsEmitted = 0
    private var holdUntilRecord = 0
    private var driving = false
    /// The exchange under way, from its head until its access record.
    var exchange: RequestExchange?
    var context: ChannelHandlerContext?
    var proxy: (any IntegrationLeg)?
    /// A response head made but not yet written: a small first body part joins it, so that head and body leave in
    /// one write — one TLS record, one `SSL_write` — instead of two. Written out by the first body part, the end of
    /// the response or a flush, whichever comes first.
    var pendingHead: ByteBuffer?
    /// The connection's one timer: header, body, idle, linger, and the integration timeout of an upstream leg.
    private var timer: LazyDeadlineTimer?
    /// When the first head is due: `header_timeout` counts from the accept, and this handler is added only once the
    /// TLS handshake (and ALPN) are done. Used once, for the first `header` deadline.
    private var firstHeadDeadline: NIODeadline?

    static let continueHead = ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")

    /// - Parameter limits: the accept-time snapshot's limits, for the decoder and the connection's timeouts.
    init(
        store: SnapshotStore, connection: ConnectionState, pools: UpstreamPools, observer: GatewayObserver,
        limits: GatewayLimits, drainSignal: DrainSignal, websockets: WebSocketRegistry,
        firstHeadDeadline: NIODeadline? = nil
    ) {
        self.firstHeadDeadline = firstHeadDeadline
        self.store = store
        self.connection = connection
        self.pools = pools
        self.observer = observer
        self.limits = limits
        self.drainSignal = drainSignal
        self.websockets = websockets
        self.decoder = RequestDecoder(
            limits: RequestDecoder.Limits(maxHeadBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        timer = LazyDeadlineTimer(eventLoop: context.eventLoop) { [weak self] in self?.timerFired() }
        machine.connectionStarted()
        drive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.cancel()
    }

    // MARK: Events in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        noteRevocation()
        machine.bytesReceived()
        guard !machine.dropsInput, !decoder.isFailed else {
            drive()
            return
        }
        var input = unwrapInboundIn(data)
        if holdingInput {
            heldInput.append(&input)
            return
        }
        decode(&input)
        drive()
    }

    /// Decodes what was read into the machine's parts. After the end of a request that names `Upgrade`, decoding
    /// stops and the rest is held (`heldInput`): it may be WebSocket frames.
    private func decode(_ input: inout ByteBuffer) {
        if var buffered = pendingInput {
            pendingInput = nil
            buffered.writeBuffer(&input)
            input = buffered
        }
        var mayUpgrade = false
        do {
            while let part = try decoder.next(&input) {
                switch part {
                case .head(let parsed, let line, let framing):
                    mayUpgrade = WebSocketUpgrade.mayUpgrade(parsed)
                    headsDecoded += 1
                    machine.received(.head(HTTP1RequestHead(parsed, line: line, framing: framing)))
                case .body(let slice):
                    machine.received(.body(slice))
                case .end:
                    machine.received(.end)
                    if mayUpgrade {
                        holdingInput = true
                        holdUntilRecord = headsDecoded
                        if input.readableBytes > 0 { heldInput.append(&input) }
                        return
                    }
                }
            }
            if input.readableBytes > 0 { pendingInput = input }
        } catch {
            machine.received(.failed(error))
        }
    }

    /// The request that named `Upgrade` was answered without switching: what was held is HTTP after all.
    private func releaseHeldInput() {
        guard holdingInput, recordsEmitted >= holdUntilRecord else { return }
        holdingInput = false
        if var held = heldInput {
            heldInput = nil
            decode(&held)
        }
        if readWhileHolding, let context {
            readWhileHolding = false
            if machine.readRequested() { context.read() }
        }
    }

    func read(context: ChannelHandlerContext) {
        if holdingInput {
            readWhileHolding = true
            return
        }
        if machine.readRequested() { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            machine.channelWritable()
            drive()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Drain: an idle keep-alive connection closes now; a busy one closes after its current response.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        machine.quiesce()
        drive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.channelInactive()
        drive()
        proxy = nil
        timer?.cancel()
        context.fireChannelInactive()
    }

    /// A reload marks a revoked client's connection from another thread (`ClientRevalidation`); the machine learns
    /// it before each decision it could change (one atomic load).
    func noteRevocation() {
        if connection.isRevoked { machine.connectionRevoked() }
    }

    private func timerFired() {
        machine.timerFired()
        drive()
    }

    // MARK: Actions out

    /// Performs the machine's actions in order; an action that feeds the machine again (a pipeline result, an
    /// answer written) adds to the same run.
    func drive() {
        guard !driving else { return }
        driving = true
        defer { driving = false }
        while let action = machine.nextAction() {
            perform(action)
        }
    }

    private func perform(_ action: Machine.Action) {
        guard let context else { return }
        switch action {
        case .startRequest(let head):
            startRequest(head, context: context)
        case .sendContinue:
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(Self.continueHead)), promise: nil)
        case .receiveBody(let buffer):
            guard let exchange else { return }
            if exchange.hashesBody && buffer.readableBytes > 0 {
                if exchange.hasher == nil { exchange.hasher = SHA256() }
                buffer.withUnsafeReadableBytes { exchange.hasher!.update(bufferPointer: $0) }
            }
            exchange.appendBody(buffer)
        case .finishRequest:
            finishRequest()
        case .startIntegration:
            startIntegration(context: context)
        case .writeError(let error, let keepAlive):
            let exchange = self.exchange ?? standIn()
            writeError(exchange, error: error, keepAlive: keepAlive, context: context)
        case .emitAccessRecord:
            recordsEmitted += 1
            releaseHeldInput()
            guard let exchange else { return }
            self.exchange = nil
            observer.requestFinished(exchange.accessRecord(connection: connection))
        case .armTimer(.header) where firstHeadDeadline != nil:
            timer?.set(in: firstHeadDeadline! - .now())
            firstHeadDeadline = nil
        case .armTimer(let which):
            firstHeadDeadline = nil
            timer?.set(in: duration(of: which))
        case .clearTimer:
            timer?.clear()
        case .linger:
            timer?.set(in: exchange?.snapshot.limits.lingerTimeout ?? limits.lingerTimeout)
            context.read()
        case .read:
            context.read()
        case .close:
            context.close(promise: nil)
        case .integrationTimedOut:
            proxy?.timedOut()
        case .resumeIntegration:
            proxy?.resumeReading()
        case .abandonIntegration:
            proxy?.abandon()
            proxy = nil
        }
    }

    private func duration(of which: Machine.Timer) -> TimeAmount {
        switch which {
        case .header: limits.headerTimeout
        case .body: limits.bodyTimeout
        case .idle: limits.idleTimeout
        case .linger: limits.lingerTimeout
        case .integration: limits.headerTimeout  // armed by `ProxyLeg` with the route's timeout, never here
        }
    }

    /// The answer to a stream refused before any head was read: a request of its own in the record.
    private func standIn() -> RequestExchange {
        let exchange = RequestExchange(head: .unparsed, snapshot: store.current)
        self.exchange = exchange
        return exchange
    }

    /// Gates 3 to 5a: the pipeline's head phase on a new exchange.
    private func startRequest(_ request: HTTP1RequestHead, context: ChannelHandlerContext) {
        let head = request.line
        let exchange = RequestExchange(head: head, snapshot: store.current)
        exchange.parsed = request.parsed
        exchange.isGRPC = GRPCStatus.isGRPC(contentType: request.parsed.firstValue("content-type"))
        self.exchange = exchange
        let draining = drainSignal.isDraining
        noteRevocation()
        let pipeline = RequestPipeline(snapshot: exchange.snapshot, connection: connection)
        switch pipeline.admitHead(
            request.parsed, method: head.method.rawValue, target: head.uri, framing: request.framing,
            now: exchange.receivedAt)
        {
        case .failure(let rejection):
            exchange.noteRejection(rejection, observer: observer)
            machine.headRefused(rejection.error, draining: draining)
        case .success(let admitted):
            exchange.admitted = admitted
            exchange.upgradesToWebSocket =
                admitted.match.route.websocket && WebSocketUpgrade.isRequested(request.parsed, line: head)
            exchange.hashesBody = admitted.pendingSignature?.needsBodyHash == true
            if case .success(.length(let length)) = request.framing {
                // Grown as the bytes arrive: the declared length is reserved only once it is received.
                exchange.body = .requestBody(declared: length, allocator: context.channel.allocator)
            }
            machine.headAdmitted(maxBodyBytes: exchange.snapshot.limits.maxBodyBytes, draining: draining)
        }
    }

    /// Gates 5b, 6 (and 7–8) once the whole body is in.
    private func finishRequest() {
        guard let exchange, let admitted = exchange.admitted else { return }
        let pipeline = RequestPipeline(snapshot: exchange.snapshot, connection: connection)
        let verdict = pipeline.finish(
            admitted, method: exchange.head.method.rawValue, bodySHA256Hex: exchange.bodyDigestHex(),
            now: exchange.receivedAt)
        exchange.principal = verdict.principal
        exchange.usage = verdict.usage
        noteRevocation()
        if let error = verdict.refusal {
            if error.status == .forbidden {
                observer.authenticationFailed(apiID: admitted.match.api.id, reason: error.errorType)
            }
            machine.bodyPhaseRefused(error)
        } else {
            machine.bodyPhaseAdmitted()
        }
    }

    /// The route's integration: a MOCK answer at once, or an upstream leg that reports through `relay…`.
    private func startIntegration(context: ChannelHandlerContext) {
        guard let exchange, let admitted = exchange.admitted else { return }
        switch admitted.match.route.integration {
        case .mock(let mock):
            answerMock(exchange, mock: mock, context: context)
            machine.responseEnded()
        case .httpProxy(let integration):
            guard let timer else { return }
            if case .http2 = integration.upstream {
                let leg = HTTP2ProxyLeg(
                    handler: self, exchange: exchange, integration: integration,
                    connections: pools.http2(for: context.eventLoop), connection: connection, deadline: timer)
                proxy = leg
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
}
