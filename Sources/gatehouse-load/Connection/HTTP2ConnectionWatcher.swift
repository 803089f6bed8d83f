import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOTLS

/// The last handler of an HTTP/2 load connection: reports the handshake and the connection's end to the worker,
/// and opens one stream per request (`send`), whose response `HTTP2StreamResponseHandler` reports under this
/// connection's identity. The closed loop is the same as over HTTP/1.1: one request in flight per connection.
final class HTTP2ConnectionWatcher: ChannelInboundHandler, LoadConnectionHandler {
    typealias InboundIn = HTTP2Frame

    private weak var delegate: (any ConnectionDelegate)?
    private var firstError: (any Error)?
    private var handshakeCompleted = false
    private var multiplexer: NIOHTTP2Handler.StreamMultiplexer?
    /// The server sent GOAWAY (nginx does after `http2_max_requests`): the answer in flight is this connection's
    /// last, and the worker opens a new one for the next request, as after `Connection: close`.
    private(set) var goingAway = false

    init(delegate: any ConnectionDelegate) {
        self.delegate = delegate
    }

    func detach() {
        delegate = nil
    }

    private var id: ObjectIdentifier { ObjectIdentifier(self) }

    func handlerAdded(context: ChannelHandlerContext) {
        multiplexer = try? context.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self).syncMultiplexer()
    }

    /// Opens a stream and writes the request on it.
    func send(head: HTTPRequestHead, body: ByteBuffer?, on channel: any Channel) {
        guard let multiplexer else { return }
        let id = self.id
        let delegate = self.delegate
        let promise = channel.eventLoop.makePromise(of: (any Channel).self)
        multiplexer.createStreamChannel(promise: promise) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .https))
            }
        }
        promise.futureResult.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let stream):
                // Added here, on the loop, before the request leaves: nothing can arrive on the stream before it.
                do {
                    try stream.pipeline.syncOperations.addHandler(
                        HTTP2StreamResponseHandler(connection: id, watcher: self, delegate: delegate))
                } catch {
                    channel.pipeline.fireErrorCaught(error)
                    return
                }
                stream.write(HTTPClientRequestPart.head(head), promise: nil)
                if let body { stream.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
                stream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            case .failure(let error):
                channel.pipeline.fireErrorCaught(error)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload { goingAway = true }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            handshakeCompleted = true
            delegate?.connectionCompletedHandshake(id)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if firstError == nil { firstError = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.connection(id, failedWith: firstError, handshakeCompleted: handshakeCompleted)
        context.fireChannelInactive()
    }
}

/// One request's stream: reports the response (status, an error body's start) to the worker; a stream that ends
/// without one (reset) fails its connection, as a reset would over HTTP/1.1.
final class HTTP2StreamResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private static let sampleLimit = 300
    private let connection: ObjectIdentifier
    private weak var watcher: HTTP2ConnectionWatcher?
    private weak var delegate: (any ConnectionDelegate)?
    private var status: HTTPResponseStatus?
    private var bodySample: ByteBuffer?
    private var answered = false

    init(connection: ObjectIdentifier, watcher: HTTP2ConnectionWatcher, delegate: (any ConnectionDelegate)?) {
        self.connection = connection
        self.watcher = watcher
        self.delegate = delegate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            if head.status.code >= 400 { bodySample = context.channel.allocator.buffer(capacity: 0) }
        case .body(var body):
            if var sample = bodySample, sample.readableBytes < Self.sampleLimit {
                var slice = body.readSlice(length: min(body.readableBytes, Self.sampleLimit - sample.readableBytes))!
                sample.writeBuffer(&slice)
                bodySample = sample
            }
        case .end:
            guard let status, !answered else { return }
            answered = true
            delegate?.connection(
                connection, receivedStatus: status, keepAlive: watcher?.goingAway != true,
                bodySample: bodySample.map { String(buffer: $0) })
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !answered {
            answered = true
            // A stream reset without an answer: the connection is given up (the worker reconnects).
            context.channel.parent?.close(promise: nil)
        }
        context.fireChannelInactive()
    }
}
