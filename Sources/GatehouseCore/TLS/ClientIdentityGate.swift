import NIOCore
import NIOTLS

/// Sits behind the TLS handler. A resumed TLS session skips the verification callback, so when the handshake
/// completes without a verified identity the peer certificate is checked again here (revocation and
/// `allowed_clients` included) before any request byte is passed on. Also reports failed handshakes. As in
/// `ClientCertificateVerifier`, the policy is the accept-time snapshot's, and the check is repeated under a newer
/// snapshot swapped in meanwhile, so a resumed session is judged by the configuration a finished reload installed.
///
/// Once the identity is verified the gate leaves the pipeline, so that the connection's reads do not pass through
/// it: what it would still do — close on a TLS error — the request handler does for every error that is not an
/// HTTP parse error.
final class ClientIdentityGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connection: ConnectionState
    private let snapshot: GatewaySnapshot
    private let store: SnapshotStore
    private let observer: GatewayObserver
    private var verified = false
    private var held: [ByteBuffer] = []

    init(connection: ConnectionState, snapshot: GatewaySnapshot, store: SnapshotStore, observer: GatewayObserver) {
        self.connection = connection
        self.snapshot = snapshot
        self.store = store
        self.observer = observer
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            // Before anything else: the client's request may be waiting for the ACK of its Finished.
            HandshakeAcknowledgement.acknowledgeNow(context.channel)
            if connection.clientIdentity != nil {
                verified = true
                context.fireUserInboundEventTriggered(event)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
            reverifyResumedSession(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if verified {
            context.fireChannelRead(data)
        } else {
            held.append(unwrapInboundIn(data))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !verified, connection.clientIdentity == nil, !connection.handshakeRejectionReported {
            connection.markHandshakeRejectionReported()
            observer.handshakeRejected(
                listener: connection.listener, sourceIP: connection.sourceIPText,
                reason: HandshakeFailureReason.classify(error), detail: String(describing: error))
        }
        if error is TLSServerError || !verified {
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    private func reverifyResumedSession(context: ChannelHandlerContext) {
        let channel = context.channel
        let acceptedUnder = self.snapshot
        let store = self.store
        let connection = self.connection
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        // The resumed session's certificate chain, from the session (DER, as the verification callback sees it).
        let tls = try? context.pipeline.syncOperations.handler(type: TLSServerHandler.self)
        guard let chain = tls?.peerChainDER(), !chain.isEmpty else {
            channel.close(promise: nil)
            return
        }
        Task {
            let verdict = await ClientCertificateVerifier.verify(
                chainDER: chain, connection: connection, acceptedUnder: acceptedUnder, store: store)
            channel.eventLoop.execute {
                switch verdict {
                case .success:
                    loopBound.value.release(context: contextBound.value)
                case .failure(let rejection):
                    loopBound.value.observer.handshakeRejected(
                        listener: connection.listener, sourceIP: connection.sourceIPText,
                        reason: rejection.reason, detail: "resumed session: " + rejection.message)
                    channel.close(promise: nil)
                }
            }
        }
    }

    private func release(context: ChannelHandlerContext) {
        verified = true
        let pending = held
        held = []
        for buffer in pending { context.fireChannelRead(wrapInboundOut(buffer)) }
        if !pending.isEmpty { context.fireChannelReadComplete() }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
