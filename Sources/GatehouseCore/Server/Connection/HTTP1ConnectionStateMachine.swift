import NIOCore

/// Every decision about one HTTP/1.1 client connection, as a value: events in, actions out. It holds no channel, no
/// closures and no clock, so each behaviour is a unit test over a sequence of events
/// (`HTTP1ConnectionStateMachineTests`); the NIO handler only feeds it and performs what it returns, in order (`nextAction()`), as async-http-client's
/// `HTTP1ConnectionStateMachine` and swift-nio's `HTTPServerPipelineHandler` do.
///
/// One exchange at a time: the parts of pipelined requests wait in `queue` while an earlier request is answered, and
/// reading pauses once any wait (`readRequested()`), so what a client can queue is bounded by one read. Reading is not
/// paused merely because a response is being produced, so a keep-alive connection's read interest is not switched off
/// and on (two `epoll_ctl` calls) per request.
///
/// One timer serves the connection (`Timer`): `header_timeout` from accept and from the first byte after an idle
/// wait, `body_timeout` between reads of a body (or of a body dropped after an early answer), the integration timeout
/// while an upstream call runs (armed by `ProxyLeg` itself), `idle_timeout` between requests, and the linger period
/// after an answer that ends the connection. The phases never overlap, so one deadline is enough.
struct HTTP1ConnectionStateMachine<Head: HTTP1RequestHeadFacts> {
    enum Timer: Equatable, Sendable {
        case header
        case body
        case idle
        case linger
        /// The upstream call's deadline; `ProxyLeg` moves it as the response arrives.
        case integration
    }

    /// A decoded piece of the client's request stream.
    enum InboundPart {
        /// Indirect for the same reason as `Action.startRequest`: the queue's parts stay a few words each.
        indirect case head(Head)
        case body(ByteBuffer)
        case end
        /// The stream was refused (`RequestDecoder`): answered after the requests before it, and nothing follows.
        case failed(RequestParseError)
    }

    enum Action {
        /// Make the exchange for this head and run the pipeline's head phase on it; report with
        /// `headAdmitted(maxBodyBytes:draining:)` or `headRefused(_:draining:)`. Indirect, as `writeError` is: a head
        /// is about 130 bytes, and every action queued, moved and copied out was that size because of this case.
        indirect case startRequest(Head)
        /// `HTTP/1.1 100 Continue`: the client waits for it before sending the body.
        case sendContinue
        /// Body bytes of an admitted request: keep (and hash) them for the integration.
        case receiveBody(ByteBuffer)
        /// The body is complete: run the pipeline's body phase; report with `bodyPhaseAdmitted()` or
        /// `bodyPhaseRefused(_:)`.
        case finishRequest
        /// Call the route's integration (a MOCK answer or an upstream leg); report with `responseHeadSent(untilClose:)`,
        /// then `responseEnded()` or `integrationFailed(_:)`.
        case startIntegration
        /// Write the contract's error as the whole answer; `keepAlive` says which connection semantics it announces.
        indirect case writeError(GatewayError, keepAlive: Bool)
        /// The exchange is over (answered, or abandoned after its answer began): log it and count it.
        case emitAccessRecord
        case armTimer(Timer)
        case clearTimer
        /// Keep reading and dropping what arrives, and close when the linger timer fires (nginx's lingering
        /// close), so that a client still sending sees the answer instead of a reset.
        case linger
        /// Ask the channel for more bytes (reading was paused, or input is being drained).
        case read
        case close
        /// The integration timeout passed: the upstream leg ends (504 before its head, or the response is cut off).
        case integrationTimedOut
        /// The client's channel became writable again: the upstream leg reads again.
        case resumeIntegration
        /// The client went away during an upstream call: the leg is dropped and its connection closed.
        case abandonIntegration
    }

    /// The exchange under way, as far as the connection is concerned.
    struct Exchange {
        var keepAlive: Bool
        let isHTTP10: Bool
        /// Whether there are body bytes to read (a framing was decided and it is not "no body").
        let hasBody: Bool
        let expectsContinue: Bool
        var maxBodyBytes = Int.max
        var bodyBytes = 0
        var requestComplete = false
        var responseComplete = false
        /// Whether the response head left: a failure after it can only cut the response off.
        var responseStarted = false
    }

    enum State {
        /// Waiting for a request head.
        case idle
        /// The head is with the pipeline's head phase.
        case deciding(Exchange)
        /// Head admitted, body arriving.
        case receiving(Exchange)
        /// Answered before the body was read; the rest of the body is dropped.
        case discarding(Exchange)
        /// Body complete; the answer is being produced (body phase, then the integration).
        case responding(Exchange)
        /// The connection ends: input is dropped until it closes.
        case closing
        case closed
    }

    private(set) var state = State.idle
    /// The timer the handler has armed last, so that a firing is understood.
    private(set) var armedTimer: Timer?
    /// Parts of pipelined requests that arrived while an earlier request was answered, in order. Sized for one read's
    /// head, body and end: the buffers live as long as the connection, idle or not (`CircularBuffer()` would hold 16).
    private var queue = CircularBuffer<InboundPart>(initialCapacity: 4)
    /// No event leaves more than four actions before the handler takes them.
    private var pendingActions = CircularBuffer<Action>(initialCapacity: 4)
    /// A read was asked for while a pipelined request waited; it is done once that request is taken up.
    private var readPending = false
    /// Whether a request has begun on this connection; one that has not is still owed an answer on drain.
    private(set) var startedAnyRequest = false
    /// A reload found that the client certificate no longer passes: the current answer is the last.
    private(set) var isRevoked = false
    private var integrating = false

    init() {}

    // MARK: Output

    /// The next thing the handler must do, or nil when the machine waits for an event. Queued parts are taken up
    /// here, once the actions before them are done, so that every action is performed in order.
    mutating func nextAction() -> Action? {
        while pendingActions.isEmpty {
            if canTakeQueuedPart, let part = queue.popFirst() {
                take(part)
                continue
            }
            if readPending, !isAnswering {
                readPending = false
                return .read
            }
            return nil
        }
        return pendingActions.removeFirst()
    }

    /// Whether input is dropped unread (the connection is ending).
    var dropsInput: Bool {
        switch state {
        case .closing, .closed: true
        default: false
        }
    }

    // MARK: Connection events

    /// The connection's pipeline is in place (TLS may still be handshaking): `header_timeout` runs.
    mutating func connectionStarted() {
        arm(.header)
    }

    /// Bytes arrived, before they are decoded: an idle connection's next request has begun (`header_timeout`), or a
    /// body's reader is alive (`body_timeout` runs again).
    mutating func bytesReceived() {
        switch (state, armedTimer) {
        case (.idle, .idle?):
            arm(.header)
        case (.receiving, .body?), (.discarding, .body?):
            arm(.body)
        default:
            break
        }
    }

    /// A decoded part of the request stream; it waits its turn behind an exchange under way.
    mutating func received(_ part: InboundPart) {
        guard !dropsInput else { return }
        queue.append(part)
    }

    /// The channel asks to read. Returns whether it may: not while a pipelined request waits for the one before it.
    mutating func readRequested() -> Bool {
        if isAnswering, !queue.isEmpty {
            readPending = true
            return false
        }
        return true
    }

    /// Drain (`ChannelShouldQuiesceEvent`): an idle keep-alive connection closes now; a busy one after its current
    /// answer. One that has not begun a request yet is left alone: its client has sent (or is sending) a request to
    /// this process, which is answered within `header_timeout` with `Connection: close` (the drain signal is up).
    mutating func quiesce() {
        switch state {
        case .idle where !startedAnyRequest:
            break
        case .idle:
            enterClosing()
            emit(.close)
        case .deciding(var exchange):
            exchange.keepAlive = false
            state = .deciding(exchange)
        case .receiving(var exchange):
            exchange.keepAlive = false
            state = .receiving(exchange)
        case .discarding(var exchange):
            exchange.keepAlive = false
            state = .discarding(exchange)
        case .responding(var exchange):
            exchange.keepAlive = false
            state = .responding(exchange)
        case .closing, .closed:
            break
        }
    }

    /// A reload revoked the client: the current (or next) answer says `Connection: close`, and the connection closes
    /// after it.
    mutating func connectionRevoked() {
        isRevoked = true
    }

    mutating func channelWritable() {
        if integrating { emit(.resumeIntegration) }
    }

    mutating func channelInactive() {
        if integrating {
            integrating = false
            emit(.abandonIntegration)
        }
        state = .closed
        queue.removeAll()
        armedTimer = nil
    }

    /// The armed timer fired.
    mutating func timerFired() {
        guard let timer = armedTimer else { return }
        armedTimer = nil
        switch timer {
        case .header, .idle, .linger:
            enterClosing()
            emit(.close)
        case .integration:
            if integrating { emit(.integrationTimedOut) }
        case .body:
            switch state {
            case .receiving(var exchange):
                // Nothing answered yet: 408, then close (the rest of the body will not come in time).
                exchange.keepAlive = false
                enterClosing()
                emit(.writeError(.requestTimeout, keepAlive: false))
                emit(.emitAccessRecord)
                emit(.close)
            case .discarding:
                enterClosing()
                emit(.emitAccessRecord)
                emit(.close)
            default:
                enterClosing()
                emit(.close)
            }
        }
    }

    // MARK: Pipeline results

    /// The head phase admitted the request. `maxBodyBytes` is the snapshot's limit; `draining` whether the server
    /// drains (the answer then closes the connection).
    mutating func headAdmitted(maxBodyBytes: Int, draining: Bool) {
        guard case .deciding(var exchange) = state else { return }
        exchange.maxBodyBytes = maxBodyBytes
        if draining { exchange.keepAlive = false }
        if exchange.hasBody { arm(.body) }
        state = .receiving(exchange)
        // An HTTP/1.0 client's Expect is ignored (RFC 9110 §10.1.1): it would not understand a 100.
        if exchange.expectsContinue, !exchange.isHTTP10 { emit(.sendContinue) }
    }

    /// The head phase (or the framing) refused the request: it is answered before its body is read.
    mutating func headRefused(_ error: GatewayError, draining: Bool) {
        guard case .deciding(var exchange) = state else { return }
        if draining { exchange.keepAlive = false }
        // `body_timeout` runs while the body is dropped after the answer.
        if exchange.hasBody, !error.closesConnection { arm(.body) }
        answerEarly(exchange, error: error)
    }

    /// The body phase passed: the integration answers.
    mutating func bodyPhaseAdmitted() {
        guard case .responding = state else { return }
        integrating = true
        armedTimer = .integration
        emit(.startIntegration)
    }

    /// The body phase (signature over the body, resource policy) refused the request.
    mutating func bodyPhaseRefused(_ error: GatewayError) {
        guard case .responding(let exchange) = state else { return }
        answer(exchange, error: error)
    }

    // MARK: Response events

    /// The handler is writing a response head (relayed or MOCK). `untilClose` says the body is framed by the
    /// connection's end (an HTTP/1.0 client, no length). Returns whether the head announces keep-alive.
    mutating func responseHeadSent(untilClose: Bool) -> Bool {
        guard case .responding(var exchange) = state else { return false }
        if untilClose || isRevoked { exchange.keepAlive = false }
        exchange.responseStarted = true
        state = .responding(exchange)
        return exchange.keepAlive
    }

    /// The response (relayed or MOCK) is complete.
    mutating func responseEnded() {
        guard case .responding(var exchange) = state else { return }
        integrating = false
        exchange.responseComplete = true
        finishIfDone(exchange)
    }

    /// The upstream leg failed: before the response head the client gets `error` (502/504); after it, the response
    /// cannot be completed, so the connection ends (the record keeps the status sent and says what happened).
    mutating func integrationFailed(_ error: GatewayError) {
        guard case .responding(let exchange) = state else { return }
        integrating = false
        if exchange.responseStarted {
            enterClosing()
            emit(.emitAccessRecord)
            emit(.close)
        } else {
            answer(exchange, error: error)
        }
    }

    // MARK: Transitions

    private var canTakeQueuedPart: Bool {
        switch state {
        case .idle, .receiving, .discarding: true
        case .deciding, .responding, .closing, .closed: false
        }
    }

    /// Whether an exchange's answer is being produced (the pipeline's phases or the integration).
    private var isAnswering: Bool {
        switch state {
        case .deciding, .responding: true
        default: false
        }
    }

    private mutating func take(_ part: InboundPart) {
        if case .failed(let error) = part {
            fail(error)
            return
        }
        switch state {
        case .idle:
            guard case .head(let head) = part else { return }
            startedAnyRequest = true
            let hasBody: Bool
            switch head.framing {
            case .success(.none), .failure: hasBody = false
            case .success(.length), .success(.chunked): hasBody = true
            }
            let exchange = Exchange(
                keepAlive: head.wantsKeepAlive, isHTTP10: head.isHTTP10, hasBody: hasBody,
                expectsContinue: head.expectsContinue)
            state = .deciding(exchange)
            clearTimer()
            emit(.startRequest(head))
        case .receiving(var exchange):
            switch part {
            case .head, .failed:
                return
            case .body(let buffer):
                exchange.bodyBytes += buffer.readableBytes
                guard exchange.bodyBytes <= exchange.maxBodyBytes else {
                    answerEarly(exchange, error: .requestTooLong)
                    return
                }
                state = .receiving(exchange)
                emit(.receiveBody(buffer))
            case .end:
                clearTimer()
                exchange.requestComplete = true
                state = .responding(exchange)
                emit(.finishRequest)
            }
        case .discarding(var exchange):
            switch part {
            case .head, .failed:
                return
            case .body(let buffer):
                exchange.bodyBytes += buffer.readableBytes
                guard exchange.bodyBytes <= exchange.maxBodyBytes else {
                    // Not worth draining: the answer is out, so stop here and close.
                    enterClosing()
                    emit(.emitAccessRecord)
                    emit(.close)
                    return
                }
                state = .discarding(exchange)
            case .end:
                clearTimer()
                exchange.requestComplete = true
                finishIfDone(exchange)
            }
        case .deciding, .responding, .closing, .closed:
            return
        }
    }

    /// The request stream was refused: the request it belongs to, or a stand-in when no head was read, is answered
    /// with the error unless answered already, and the connection lingers, then closes.
    private mutating func fail(_ error: RequestParseError) {
        switch state {
        case .receiving, .idle:
            enterClosing()
            emit(.writeError(GatewayError(error), keepAlive: false))
            emit(.emitAccessRecord)
            lingerThenClose()
        case .discarding:
            // Answered already: the stream cannot be read on, so the connection ends.
            enterClosing()
            emit(.emitAccessRecord)
            emit(.close)
        case .deciding, .responding, .closing, .closed:
            return
        }
    }

    /// Answers before the body has been read. An error that ends the connection drains input for a while (lingering
    /// close) so the client sees the answer instead of a reset; any other leaves the body to be dropped.
    private mutating func answerEarly(_ exchange: Exchange, error: GatewayError) {
        var exchange = exchange
        if error.closesConnection {
            exchange.keepAlive = false
            enterClosing()
            emit(.writeError(error, keepAlive: false))
            emit(.emitAccessRecord)
            lingerThenClose()
        } else {
            emit(.writeError(error, keepAlive: exchange.keepAlive && !isRevoked))
            exchange.responseComplete = true
            exchange.responseStarted = true
            state = .discarding(exchange)
        }
    }

    /// Answers with an error once the body is complete.
    private mutating func answer(_ exchange: Exchange, error: GatewayError) {
        var exchange = exchange
        if error.closesConnection || isRevoked { exchange.keepAlive = false }
        emit(.writeError(error, keepAlive: exchange.keepAlive))
        exchange.responseStarted = true
        exchange.responseComplete = true
        finishIfDone(exchange)
    }

    private mutating func finishIfDone(_ exchange: Exchange) {
        guard exchange.requestComplete, exchange.responseComplete else {
            state = .discarding(exchange)
            return
        }
        emit(.emitAccessRecord)
        guard exchange.keepAlive, !isRevoked else {
            enterClosing()
            emit(.close)
            return
        }
        state = .idle
        arm(.idle)
    }

    private mutating func enterClosing() {
        state = .closing
        integrating = false
        queue.removeAll()
    }

    private mutating func lingerThenClose() {
        armedTimer = .linger
        emit(.linger)
    }

    private mutating func arm(_ timer: Timer) {
        armedTimer = timer
        emit(.armTimer(timer))
    }

    private mutating func clearTimer() {
        guard armedTimer != nil else { return }
        armedTimer = nil
        emit(.clearTimer)
    }

    private mutating func emit(_ action: Action) {
        pendingActions.append(action)
    }
}

extension HTTP1ConnectionStateMachine.Action: Equatable where Head: Equatable {}
