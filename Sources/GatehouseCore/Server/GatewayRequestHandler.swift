import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Drives each request of one client connection through the gates (`RequestGates`) and its integration, one
/// exchange at a time: pipelined requests wait, and reading stops while one waits, so a client cannot queue
/// unbounded work.
final class GatewayRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ClientRequestPart
    /// Responses leave as bytes (`ResponseHeadWriter`): there is no HTTP encoder in the pipeline.
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    enum State {
        case idle
        /// Head admitted, body arriving.
        case receiving(RequestExchange)
        /// Answered before the body was read; the rest of the body is dropped.
        case discarding(RequestExchange)
        /// Body complete; the answer is being produced.
        case responding(RequestExchange)
        /// Answered with an error that ends the connection; input is drained until it closes.
        case lingering
    }

    private let store: SnapshotStore
    let connection: ConnectionState
    private let pools: UpstreamPools
    let observer: GatewayObserver
    private let timeouts: ConnectionTimeouts
    private let drainSignal: DrainSignal
    var state: State = .idle
    /// Parts of pipelined requests that arrived while an earlier request was being answered, in order; reading
    /// pauses while any wait (see `read(context:)`).
    private var queuedParts: CircularBuffer<ClientRequestPart> = []
    private var drainingQueue = false
    private var readPending = false
    /// Whether a request has begun on this connection; one that has not is still owed an answer on drain.
    private var startedAnyRequest = false
    var context: ChannelHandlerContext?
    var proxy: ProxyLeg?
    /// The integration timeout of the current upstream call; one timer for all the calls of the connection.
    private var upstreamDeadline: LazyDeadlineTimer?

    static let continueHead = ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")

    init(
        store: SnapshotStore, connection: ConnectionState, pools: UpstreamPools, observer: GatewayObserver,
        timeouts: ConnectionTimeouts, drainSignal: DrainSignal
    ) {
        self.drainSignal = drainSignal
        self.timeouts = timeouts
        self.store = store
        self.connection = connection
        self.pools = pools
        self.observer = observer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        upstreamDeadline = LazyDeadlineTimer(eventLoop: context.eventLoop) { [weak self] in self?.proxy?.timedOut() }
        timeouts.onBodyTimeout = { [weak self] in self?.bodyTimedOut() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        upstreamDeadline?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        proxy?.abandon()
        proxy = nil
        upstreamDeadline?.cancel()
        context.fireChannelInactive()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .lingering = state { return }
        queuedParts.append(unwrapInboundIn(data))
        processQueue(context: context)
    }

    /// Feeds queued parts to the state machine until it has to wait for an answer to be produced.
    private func processQueue(context: ChannelHandlerContext) {
        guard !drainingQueue else { return }
        drainingQueue = true
        defer { drainingQueue = false }
        while !queuedParts.isEmpty {
            switch state {
            case .responding, .lingering:
                return
            case .idle, .receiving, .discarding:
                handle(queuedParts.removeFirst(), context: context)
            }
        }
    }

    private func handle(_ part: ClientRequestPart, context: ChannelHandlerContext) {
        if case .failed(let error) = part {
            fail(error, context: context)
            return
        }
        switch state {
        case .lingering, .responding:
            return
        case .idle:
            guard case .head(let head, let framing) = part else { return }
            startRequest(head, framing: framing, context: context)
        case .receiving(let exchange):
            receive(part, exchange: exchange, context: context)
        case .discarding(let exchange):
            switch part {
            case .head, .failed:
                return
            case .body(let buffer):
                exchange.bodyBytes += buffer.readableBytes
                if exchange.bodyBytes > exchange.snapshot.limits.maxBodyBytes {
                    // Not worth draining: stop here and close.
                    state = .lingering
                    context.close(promise: nil)
                }
            case .end:
                timeouts.bodyFinished()
                exchange.requestComplete = true
                finishIfDone(exchange, context: context)
            }
        }
    }

    private func startRequest(
        _ parsed: ParsedRequestHead, framing decided: Result<RequestBodyFraming, RequestParseError>,
        context: ChannelHandlerContext
    ) {
        timeouts.headReceived()
        let head = RequestLine(parsed)
        let exchange = RequestExchange(head: head, snapshot: store.current)
        exchange.parsed = parsed
        startedAnyRequest = true
        if drainSignal.isDraining { exchange.keepAlive = false }
        let framing: RequestBodyFraming
        switch decided {
        case .success(let decided):
            framing = decided
        case .failure(let error):
            answerEarly(exchange, error: GatewayError(error), context: context)
            return
        }
        // `body_timeout` runs from here while there is a body to read, or to drain after an early answer.
        if framing != .none { timeouts.bodyStarted() }
        let gates = RequestGates(snapshot: exchange.snapshot, connection: connection)
        switch gates.admitHead(parsed, line: head, now: exchange.receivedAt) {
        case .failure(let rejection):
            exchange.rejectedMatch = rejection.match
            exchange.rejectedAPI = rejection.api
            exchange.normalizedPath = rejection.path
            if let match = rejection.match, rejection.error.status == .forbidden {
                observer.authenticationFailed(apiID: match.api.id, reason: rejection.error.errorType)
            }
            answerEarly(exchange, error: rejection.error, context: context)
        case .success(let admitted):
            exchange.admitted = admitted
            exchange.hashesBody = admitted.pendingSignature?.needsBodyHash == true
            if case .length(let length) = framing {
                // Grown as the bytes arrive: the declared length is reserved only once it is received.
                exchange.body = .requestBody(declared: length, allocator: context.channel.allocator)
            }
            state = .receiving(exchange)
            // An HTTP/1.0 client's Expect is ignored (RFC 9110 §10.1.1): it would not understand a 100.
            if head.version != .http1_0, parsed.listContains("100-continue", inFieldsNamed: "expect") {
                context.writeAndFlush(wrapOutboundOut(.byteBuffer(Self.continueHead)), promise: nil)
            }
        }
    }

    private func receive(_ part: ClientRequestPart, exchange: RequestExchange, context: ChannelHandlerContext) {
        switch part {
        case .head, .failed:
            return
        case .body(let buffer):
            exchange.bodyBytes += buffer.readableBytes
            guard exchange.bodyBytes <= exchange.snapshot.limits.maxBodyBytes else {
                answerEarly(exchange, error: .requestTooLong, context: context)
                return
            }
            if exchange.hashesBody && buffer.readableBytes > 0 {
                if exchange.hasher == nil { exchange.hasher = SHA256() }
                buffer.withUnsafeReadableBytes { exchange.hasher!.update(bufferPointer: $0) }
            }
            exchange.appendBody(buffer)
        case .end:
            timeouts.bodyFinished()
            exchange.requestComplete = true
            state = .responding(exchange)
            dispatch(exchange, context: context)
        }
    }

    /// Gates 5b and 6 once the whole body is in, then the integration.
    private func dispatch(_ exchange: RequestExchange, context: ChannelHandlerContext) {
        guard let admitted = exchange.admitted else { return }
        let gates = RequestGates(snapshot: exchange.snapshot, connection: connection)
        if let pending = admitted.pendingSignature {
            switch gates.verifySignature(pending, bodySHA256Hex: exchange.bodyDigestHex()) {
            case .success(let principal):
                exchange.principal = principal
            case .failure(let error):
                observer.authenticationFailed(apiID: admitted.match.api.id, reason: error.errorType)
                answer(exchange, error: error, context: context)
                return
            }
        }
        if let error = gates.authorize(
            admitted, method: exchange.head.method.rawValue, principal: exchange.principal,
            userAgent: exchange.parsed?.firstValue("user-agent"), now: exchange.receivedAt)
        {
            observer.authenticationFailed(apiID: admitted.match.api.id, reason: error.errorType)
            answer(exchange, error: error, context: context)
            return
        }
        switch admitted.match.route.integration {
        case .mock(let mock):
            answerMock(exchange, mock: mock, context: context)
        case .httpProxy(let integration):
            guard let upstreamDeadline else { return }
            let leg = ProxyLeg(
                handler: self, exchange: exchange, integration: integration,
                pool: pools.pool(for: context.eventLoop), connection: connection, deadline: upstreamDeadline)
            proxy = leg
            leg.start()
        }
    }

    // MARK: Completion

    func finishIfDone(_ exchange: RequestExchange, context: ChannelHandlerContext) {
        guard exchange.requestComplete && exchange.responseComplete else {
            if exchange.responseComplete, case .responding = state { state = .discarding(exchange) }
            return
        }
        observer.requestFinished(exchange.accessRecord(connection: connection))
        guard exchange.keepAlive, !connection.isRevoked else {
            state = .lingering
            context.close(promise: nil)
            return
        }
        state = .idle
        timeouts.exchangeFinished()
        processQueue(context: context)
        // Reading resumes unless a queued request is being answered already: a pipelined request whose body is
        // still arriving (now `.receiving`) needs the rest of it read.
        if readPending, !isResponding {
            readPending = false
            context.read()
        }
    }

    func finishLingering(_ exchange: RequestExchange, context: ChannelHandlerContext) {
        observer.requestFinished(exchange.accessRecord(connection: connection))
        let channel = context.channel
        context.eventLoop.scheduleTask(in: exchange.snapshot.limits.lingerTimeout) {
            channel.close(promise: nil)
        }
        // Keep reading (and dropping) so the client's remaining bytes do not trigger a reset.
        context.read()
    }

    // MARK: Drain

    /// Drain: an idle keep-alive connection closes now; a busy one closes after its current response.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .idle where !startedAnyRequest:
            // Accepted before the drain but no request read yet: its client has sent (or is sending) one to this
            // process, so it is answered within header_timeout and drain_timeout — with `Connection: close`, since
            // the drain signal is up before this event is sent.
            break
        case .idle:
            state = .lingering
            context.close(promise: nil)
        case .receiving(let exchange), .discarding(let exchange), .responding(let exchange):
            exchange.keepAlive = false
        case .lingering:
            break
        }
    }

    // MARK: Outbound and errors

    /// Reading goes on while a response is produced, so a keep-alive connection's read interest is not switched off
    /// and on for every request (two `epoll_ctl` calls each); it stops once a pipelined request is waiting, so what
    /// a client can queue is bounded by one read.
    private var isResponding: Bool {
        if case .responding = state { return true }
        return false
    }

    func read(context: ChannelHandlerContext) {
        if isResponding, !queuedParts.isEmpty {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { proxy?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    /// `body_timeout` passed while a body was read or drained: 408 when nothing was answered yet, then close.
    func bodyTimedOut() {
        guard let context else { return }
        switch state {
        case .receiving(let exchange):
            exchange.keepAlive = false
            writeError(exchange, error: .requestTimeout, context: context)
            exchange.responseComplete = true
            state = .lingering
            observer.requestFinished(exchange.accessRecord(connection: connection))
            context.close(promise: nil)
        case .discarding(let exchange):
            state = .lingering
            observer.requestFinished(exchange.accessRecord(connection: connection))
            context.close(promise: nil)
        case .idle, .responding, .lingering:
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The request stream was refused (`RequestDecoder`): the request it belongs to, or a stand-in when no head
    /// was read, is answered with the error unless answered already, and the connection lingers, then closes.
    private func fail(_ error: RequestParseError, context: ChannelHandlerContext) {
        let gatewayError = GatewayError(error)
        let current: RequestExchange?
        switch state {
        case .lingering, .responding:
            return
        case .receiving(let exchange), .discarding(let exchange):
            current = exchange
        case .idle:
            current = nil
        }
        if let current, current.responseComplete {
            state = .lingering
            context.close(promise: nil)
            return
        }
        let exchange =
            current
            ?? RequestExchange(head: .unparsed, snapshot: store.current)
        timeouts.headReceived()
        exchange.keepAlive = false
        writeError(exchange, error: gatewayError, context: context)
        state = .lingering
        finishLingering(exchange, context: context)
    }
}
