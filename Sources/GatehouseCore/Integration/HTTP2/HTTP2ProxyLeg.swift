import NIOCore
import NIOHPACK
import NIOHTTP1

/// One request forwarded to an HTTP/2 upstream (`h2c://`, `h2://`; gRPC): a stream on the upstream's pooled
/// connection (`HTTP2UpstreamConnections`), the buffered request sent as HEADERS and DATA, the response relayed to
/// the client with backpressure and its trailers (`grpc-status`, `grpc-message`) passed on, failures turned into
/// 502/504 (which a gRPC client receives as `grpc-status` 14/4).
///
/// The deadline is the integration timeout, or the client's `grpc-timeout` when that is shorter; it bounds the time
/// to the response head and then each pause between response frames, as for HTTP/1.1 upstreams, and the upstream
/// is told it in `grpc-timeout`.
final class HTTP2ProxyLeg: HTTP2UpstreamReceiver, IntegrationLeg {
    private weak var handler: (any UpstreamLegOwner)?
    private let exchange: RequestExchange
    private let integration: ProxyTarget
    private let connections: HTTP2UpstreamConnections
    private let connection: ConnectionState
    private let deadline: LazyDeadlineTimer
    private let timeout: TimeAmount
    private let grpcTimeout: String?
    private var stream: Channel?
    private var finished = false
    private var pausedReading = false

    init(
        handler: any UpstreamLegOwner, exchange: RequestExchange, integration: ProxyTarget,
        connections: HTTP2UpstreamConnections, connection: ConnectionState, deadline: LazyDeadlineTimer
    ) {
        self.handler = handler
        self.exchange = exchange
        self.integration = integration
        self.connections = connections
        self.connection = connection
        self.deadline = deadline
        let asked = exchange.parsed?.firstValue("grpc-timeout").flatMap { GRPCTimeout.parse($0[...]) }
        if let asked, asked < integration.timeout {
            timeout = asked
        } else {
            timeout = integration.timeout
        }
        grpcTimeout = asked == nil ? nil : GRPCTimeout.headerValue(timeout)
    }

    func start() {
        exchange.integrationStarted = .now()
        deadline.set(in: timeout)
        connections.openStream(
            to: integration.upstream, tls: integration.tlsContext, caPath: integration.tlsCAPath, timeout: timeout
        ) { result in
            guard !self.finished else {
                if case .success(let stream) = result { stream.close(promise: nil) }
                return
            }
            switch result {
            case .success(let stream): self.send(on: stream)
            case .failure(let error): self.http2Failed(error, responseStarted: false)
            }
        }
    }

    private func send(on stream: Channel) {
        guard let admitted = exchange.admitted, let clientHead = exchange.parsed else {
            stream.close(promise: nil)
            http2Failed(ChannelError.inappropriateOperationForState, responseStarted: false)
            return
        }
        self.stream = stream
        do {
            try stream.pipeline.syncOperations.addHandler(HTTP2UpstreamStreamHandler(receiver: self))
        } catch {
            http2Failed(error, responseStarted: false)
            return
        }
        let request = UpstreamRequestBuilder.build(
            client: clientHead, integration: integration, match: admitted.match, requestID: exchange.requestID,
            connection: connection, principal: exchange.principal, bodyLength: exchange.body?.readableBytes ?? 0)
        let scheme: String
        if case .http2(_, _, tls: true) = integration.upstream { scheme = "https" } else { scheme = "http" }
        HTTP2UpstreamStreamHandler.send(
            request.http2Headers(scheme: scheme, grpcTimeout: grpcTimeout), body: exchange.body, on: stream)
    }

    // MARK: The response

    func http2ResponseHead(status: Int, fields: HPACKHeaders, endStream: Bool) {
        guard !finished else { return }
        deadline.set(in: timeout)
        handler?.relayHead(status: status, fields: fields, endsResponse: endStream, exchange: exchange)
    }

    func http2ResponseBody(_ buffer: ByteBuffer) {
        guard !finished, let handler else { return }
        deadline.set(in: timeout)
        if !handler.relayBody(buffer, exchange: exchange), !pausedReading {
            pausedReading = true
            try? stream?.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
            handler.relayFlush()
        }
    }

    func http2ReadComplete() {
        guard !finished else { return }
        handler?.relayFlush()
    }

    func http2ResponseEnd(trailers: HPACKHeaders?) {
        guard !finished else { return }
        finished = true
        deadline.clear()
        exchange.integrationFinished = .now()
        stream = nil
        handler?.relayEnd(exchange: exchange, trailers: trailers)
    }

    func http2Failed(_ error: any Error, responseStarted: Bool) {
        guard !finished else { return }
        let relayed = exchange.status != 0
        detach()
        if relayed {
            handler?.relayAbort(.badGateway, exchange: exchange)
        } else {
            handler?.relayFailure(.badGateway, exchange: exchange)
        }
    }

    // MARK: IntegrationLeg

    func timedOut() {
        guard !finished else { return }
        let started = exchange.status != 0
        detach()
        if started {
            handler?.relayAbort(.integrationTimeout, exchange: exchange)
        } else {
            handler?.relayFailure(.integrationTimeout, exchange: exchange)
        }
    }

    func resumeReading() {
        guard pausedReading, let stream else { return }
        pausedReading = false
        try? stream.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        stream.read()
    }

    func abandon() {
        guard !finished else { return }
        detach()
    }

    /// Ends the call: closing the stream resets it (RST_STREAM CANCEL); the connection stays for other calls.
    private func detach() {
        finished = true
        deadline.clear()
        exchange.integrationFinished = .now()
        if let stream,
            let streamHandler = try? stream.pipeline.syncOperations.handler(
                type: HTTP2UpstreamStreamHandler.self)
        {
            streamHandler.receiver = nil
        }
        stream?.close(promise: nil)
        stream = nil
    }
}
