import NIOCore
import NIOHTTP1

/// One request forwarded to an `HTTP_PROXY` upstream: takes a pooled connection or opens one, sends the
/// buffered request, relays the response with backpressure, and turns failures into 502/504.
///
/// Retries: a reused keep-alive connection that fails before any response byte (the upstream may have closed it
/// while idle) is retried once on a fresh connection — but only when the request was never written to it, or its
/// method is idempotent (RFC 9112 §9.3.1.1: GET, HEAD, OPTIONS, TRACE, PUT, DELETE). A written POST or PATCH may
/// have been acted on, so it gets 502 instead of being sent twice. PUT and DELETE are retried with their body: the
/// whole body is buffered before the request leaves, so the replay is byte for byte the same request. An answer
/// that arrived but was wrong (`UpstreamProtocolError`: malformed, or not allowed) is never retried.
///
/// The first read of the response (head and whatever body came with it) is held until that read is complete, so
/// that a response found malformed within it is still answered 502 rather than cut off; once bytes were relayed, a
/// failure can only end the client's connection (truncation), recorded with the status sent and the error type.
final class ProxyLeg: UpstreamResponseReceiver, IntegrationLeg {
    private weak var handler: (any UpstreamLegOwner)?
    private let exchange: RequestExchange
    private let integration: ProxyTarget
    private let pool: UpstreamConnectionPool
    private let connection: ConnectionState
    private var channel: Channel?
    /// Time to the response head, and then between response chunks, is bounded by the integration timeout. The
    /// timer is the client connection's, shared by its successive legs, so that a keep-alive connection does not
    /// schedule and cancel a task per request; on expiry it calls the current leg's `timedOut()`.
    private let deadline: LazyDeadlineTimer
    private var retried = false
    private var finished = false
    private var pausedReading = false
    /// Whether the current attempt's request was handed to its connection (then it may have been acted on).
    private var requestWritten = false
    /// The response head and body parts of the first read, not yet relayed (see the type's doc).
    private var heldHead: ParsedResponseHead?
    /// The first held body part apart: most responses' first read carries one, and it then costs no array.
    private var heldFirstBody: ByteBuffer?
    private var heldBody: [ByteBuffer] = []

    init(
        handler: any UpstreamLegOwner, exchange: RequestExchange, integration: ProxyTarget,
        pool: UpstreamConnectionPool, connection: ConnectionState, deadline: LazyDeadlineTimer
    ) {
        self.deadline = deadline
        self.handler = handler
        self.exchange = exchange
        self.integration = integration
        self.pool = pool
        self.connection = connection
    }

    func start() {
        exchange.integrationStarted = .now()
        armTimeout()
        if let idle = pool.takeIdle(integration.upstream) {
            send(on: idle, reused: true)
        } else {
            connectAndSend()
        }
    }

    private func connectAndSend() {
        pool.connect(integration.upstream, timeout: integration.timeout).assumeIsolated().whenComplete { result in
            guard !self.finished else {
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let channel): self.send(on: channel, reused: false)
            case .failure(let error): self.upstreamFailed(error, responseStarted: false)
            }
        }
    }

    private func send(on channel: Channel, reused: Bool) {
        self.channel = channel
        self.retried = self.retried || !reused
        guard let upstreamHandler = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self),
            let admitted = exchange.admitted, let clientHead = exchange.parsed
        else {
            upstreamFailed(ChannelError.inappropriateOperationForState, responseStarted: false)
            return
        }
        guard channel.isActive else {
            // Closed while pooled: nothing was written, so any method may go on a fresh connection.
            requestWritten = false
            upstreamFailed(ChannelError.ioOnClosedChannel, responseStarted: false)
            return
        }
        upstreamHandler.prepareForExchange(receiver: self)
        let request = UpstreamRequestBuilder.build(
            client: clientHead, integration: integration, match: admitted.match, requestID: exchange.requestID,
            connection: connection, principal: exchange.principal, bodyLength: exchange.body?.readableBytes ?? 0,
            upgradesToWebSocket: exchange.upgradesToWebSocket)
        requestWritten = true
        let sent = upstreamHandler.send(request, body: exchange.body)
        // A write that closed the connection has been handled already (by `UpstreamHandler`, through
        // `upstreamFailed`): this attempt is over, and a retry may be under way.
        guard self.channel === channel, !finished else { return }
        if !sent || !channel.isActive {
            upstreamFailed(ChannelError.ioOnClosedChannel, responseStarted: false)
        }
    }

    /// RFC 9112 §9.3.1.1: the methods a client may retry automatically.
    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }

    /// Whether a failure on a reused connection may be retried on a fresh one.
    private func mayRetry(after error: any Error, responseStarted: Bool) -> Bool {
        guard !retried, !responseStarted else { return false }
        if error is UpstreamProtocolError { return false }
        return !requestWritten || Self.isIdempotent(exchange.head.method)
    }

    private func armTimeout() {
        deadline.set(in: integration.timeout)
    }

    func timedOut() {
        guard !finished else { return }
        let started = exchange.status != 0
        detach(closeChannel: true)
        if started {
            handler?.relayAbort(.integrationTimeout, exchange: exchange)
        } else {
            handler?.relayFailure(.integrationTimeout, exchange: exchange)
        }
    }

    func upstreamResponseHead(_ head: ParsedResponseHead) {
        guard !finished else { return }
        armTimeout()
        heldHead = head
    }

    func upstreamResponseBody(_ buffer: ByteBuffer) {
        guard !finished else { return }
        armTimeout()
        if heldHead != nil {
            if heldFirstBody == nil {
                heldFirstBody = buffer
            } else {
                heldBody.append(buffer)
            }
        } else {
            relayBody(buffer)
        }
    }

    private func relayBody(_ buffer: ByteBuffer) {
        guard let handler else { return }
        if !handler.relayBody(buffer, exchange: exchange), !pausedReading {
            pausedReading = true
            try? channel?.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
            handler.relayFlush()
        }
    }

    /// Relays what the first read held back: the head, then the body parts that came with it.
    private func releaseHeld() {
        guard let head = heldHead else { return }
        heldHead = nil
        handler?.relayHead(head, exchange: exchange)
        if let first = heldFirstBody {
            heldFirstBody = nil
            relayBody(first)
        }
        guard !heldBody.isEmpty else { return }
        let parts = heldBody
        heldBody = []
        for part in parts { relayBody(part) }
    }

    func upstreamReadComplete() {
        guard !finished else { return }
        releaseHeld()
        handler?.relayFlush()
    }

    func upstreamResponseEnd() {
        guard !finished else { return }
        releaseHeld()
        finished = true
        deadline.clear()
        exchange.integrationFinished = .now()
        if pausedReading { try? channel?.syncOptions?.setOption(ChannelOptions.autoRead, value: true) }
        channel = nil
        handler?.relayEnd(exchange: exchange)
    }

    func upstreamFailed(_ error: any Error, responseStarted: Bool) {
        guard !finished else { return }
        if mayRetry(after: error, responseStarted: responseStarted) {
            // A pooled connection the upstream had already closed: one fresh attempt.
            retried = true
            channel = nil
            connectAndSend()
            return
        }
        // Bytes reached the client once the head was relayed; before that, what was held is dropped.
        let relayed = exchange.status != 0
        heldHead = nil
        heldFirstBody = nil
        heldBody = []
        detach(closeChannel: true)
        if relayed {
            handler?.relayAbort(.badGateway, exchange: exchange)
        } else {
            handler?.relayFailure(.badGateway, exchange: exchange)
        }
    }

    /// The upstream accepted the WebSocket: its connection leaves the pool's world and becomes the tunnel's upstream
    /// leg (`HTTP1ConnectionHandler.switchToWebSocket`).
    func upstreamSwitchedProtocols(_ head: ParsedResponseHead, rest: ByteBuffer) {
        guard !finished, let channel else { return }
        finished = true
        deadline.clear()
        exchange.integrationFinished = .now()
        self.channel = nil
        guard let handler else {
            channel.close(promise: nil)
            return
        }
        handler.switchToWebSocket(head, upstream: channel, rest: rest, exchange: exchange)
    }

    /// The client's connection is writable again: read from the upstream again.
    func resumeReading() {
        guard pausedReading, let channel else { return }
        pausedReading = false
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        channel.read()
    }

    /// The client went away: the upstream connection is in an unknown state and is closed.
    func abandon() {
        guard !finished else { return }
        detach(closeChannel: true)
    }

    private func detach(closeChannel: Bool) {
        finished = true
        deadline.clear()
        exchange.integrationFinished = .now()
        if let channel, let upstreamHandler = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self) {
            upstreamHandler.receiver = nil
        }
        if closeChannel { channel?.close(promise: nil) }
        channel = nil
    }
}
