import NIOCore
import NIOHTTP1
import NIOTLS

/// The last handler of a load connection: turns response parts and connection events into calls on the owning
/// worker. The worker detaches it before closing a connection on purpose, so only unexpected closes are reported.
final class ResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// Error bodies are sampled up to this many bytes.
    private static let sampleLimit = 300

    private weak var delegate: (any ConnectionDelegate)?
    private var status: HTTPResponseStatus?
    private var keepAlive = true
    private var bodySample: ByteBuffer?
    private var firstError: (any Error)?
    private(set) var handshakeCompleted: Bool

    /// - Parameter plaintext: true for http connections, which have no handshake to wait for.
    init(delegate: any ConnectionDelegate, plaintext: Bool) {
        self.delegate = delegate
        self.handshakeCompleted = plaintext
    }

    /// Stops reporting: called by the worker before it closes the connection itself.
    func detach() {
        delegate = nil
    }

    private var id: ObjectIdentifier { ObjectIdentifier(self) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            keepAlive = head.isKeepAlive
            if head.status.code >= 400 {
                bodySample = context.channel.allocator.buffer(capacity: 0)
            }
        case .body(var body):
            if var sample = bodySample, sample.readableBytes < Self.sampleLimit {
                var slice = body.readSlice(length: min(body.readableBytes, Self.sampleLimit - sample.readableBytes))!
                sample.writeBuffer(&slice)
                bodySample = sample
            }
        case .end:
            guard let status else { return }
            let sample = bodySample.map { String(buffer: $0) }
            self.status = nil
            self.bodySample = nil
            delegate?.connection(id, receivedStatus: status, keepAlive: keepAlive, bodySample: sample)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            handshakeCompleted = true
            delegate?.connectionCompletedHandshake(id)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if firstError == nil {
            firstError = error
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.connection(id, failedWith: firstError, handshakeCompleted: handshakeCompleted)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension ResponseHandler: Sendable {}
