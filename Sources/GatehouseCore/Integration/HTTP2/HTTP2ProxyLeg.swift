import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// One request forwarded to an HTTP/2 upstream (`h2c://`, `h2://`; gRPC): a stream on the upstream's pooled
/// connection (`HTTP2UpstreamConnections`), the request sent as HEADERS and DATA (and the client's trailers), the
/// response relayed to the client with backpressure and its trailers (`grpc-status`, `grpc-message`) passed on,
/// failures turned into 502/504 (which a gRPC client receives as `grpc-status` 14/4).
///
/// The request body is either buffered (sent whole once received: the signature covered its hash) or streamed
/// (`streamsBody`: every gate was decided on the head, so each piece is relayed as it arrives, which makes
/// bidirectional and client-streaming gRPC calls interactive). A streamed body that arrives before the upstream
/// stream is open waits in `pending` (bounded by `max_body_bytes`, which the client's handler enforces); once open,
/// `relayRequestBody` reports when the upstream's flow-control window is full, and `onWritable` says when it
/// reopened, so the client's stream stops being read meanwhile.
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
    /// The request body is relayed as it arrives rather than sent whole with the head.
    private let streamsBody: Bool
    /// Request frames (DATA, trailers) received before the upstream stream opened.
    private var pending: [HTTP2Frame.FramePayload] = []
    /// The client's trailers of a buffered request, sent after its body.
    var bufferedTrailers: HPACKHeaders?
    /// The upstream stream can take more of a streamed request body again.
    var onWritable: (() -> Void)?

    init(
        handler: any UpstreamLegOwner, exchange: RequestExchange, integration: ProxyTarget,
        connections: HTTP2UpstreamConnections, connection: ConnectionState, deadline: LazyDeadlineTimer,
        streamsBody: Bool = false
    ) {
        self.streamsBody = streamsBody
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
        let headers = request.http2Headers(scheme: scheme, grpcTimeout: grpcTimeout)
        guard streamsBody else {
            HTTP2UpstreamStreamHandler.send(headers, body: exchange.body, trailers: bufferedTrailers, on: stream)
            return
        }
        stream.write(HTTP2Frame.FramePayload.headers(.init(headers: headers)), promise: nil)
        for frame in pending { stream.write(frame, promise: nil) }
        pending = []
        stream.flush()
    }

    // MARK: A streamed request body

    /// Relays a piece of the request body (`endStream` on its last). False when the upstream stream cannot take
    /// more now: the caller stops reading the client until `onWritable`.
    func relayRequestBody(_ buffer: ByteBuffer, endStream: Bool) -> Bool {
        relayRequestFrame(.data(.init(data: .byteBuffer(buffer), endStream: endStream)))
    }

    /// The client's trailers (already filtered) end the request.
    func relayRequestTrailers(_ trailers: HPACKHeaders) {
        _ = relayRequestFrame(.headers(.init(headers: trailers, endStream: true)))
    }

    private func relayRequestFrame(_ frame: HTTP2Frame.FramePayload) -> Bool {
        guard !finished else { return true }
        guard let stream else {
            pending.append(frame)
            return true
        }
        // A message reached the upstream: its answer is due within the integration timeout from now.
        deadline.set(in: timeout)
        stream.writeAndFlush(frame, promise: nil)
        return stream.isWritable
    }

    func http2Writable() {
        guard !finished else { return }
        onWritable?()
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
        // A streamed request may still be open on our side: the answer is complete, so the rest is not wanted
        // (closing a stream that already ended both ways does nothing).
        if streamsBody { stream?.close(promise: nil) }
        stream = nil
        onWritable = nil
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
        pending = []
        onWritable = nil
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
