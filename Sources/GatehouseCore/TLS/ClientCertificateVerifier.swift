import Foundation
import GatehousePKI
import NIOCore

/// Bridges `TLSServerHandler`'s verification callback to `ClientCertificatePolicy`: chain, dates, EKU, CRL and
/// `allowed_clients` are decided there, and a rejection fails the handshake with an alert.
///
/// The policy is the listener's in the snapshot read at accept. A reload that lands while the handshake is being
/// verified would find no chain to re-check yet (`ClientRevalidation` skips such connections), so once the chain is
/// stored the current snapshot is compared with the one used, and the chain verified again under the newer one
/// until they agree: a handshake can never complete under a policy a finished reload has replaced.
struct ClientCertificateVerifier: Sendable {
    let snapshot: GatewaySnapshot
    let store: SnapshotStore
    let connection: ConnectionState
    let observer: GatewayObserver

    /// Checks `chain` (DER, leaf first, as the TLS handler holds it) and completes `promise` with the verdict: true
    /// lets the handshake finish.
    func verify(chainDER chain: [[UInt8]], promise: EventLoopPromise<Bool>) {
        let connection = self.connection
        let store = self.store
        let acceptedUnder = self.snapshot
        Task {
            var snapshot = acceptedUnder
            while true {
                guard let policy = snapshot.listeners[connection.listener]?.clientPolicy else {
                    reject(
                        reason: ClientCertificateRejection.notAllowed, detail: "the listener is no longer configured",
                        promise: promise)
                    return
                }
                switch await policy.verify(chainDER: chain, now: Date()) {
                case .success(let identity):
                    connection.clientChainDER = chain
                    connection.clientIdentity = identity
                    let current = store.current
                    guard current === snapshot else {
                        snapshot = current
                        continue
                    }
                    promise.succeed(true)
                    return
                case .failure(let rejection):
                    reject(reason: rejection.reason, detail: rejection.message, promise: promise)
                    return
                }
            }
        }
    }

    private func reject(
        reason: String, detail: String, promise: EventLoopPromise<Bool>
    ) {
        connection.markHandshakeRejectionReported()
        observer.handshakeRejected(
            listener: connection.listener, sourceIP: connection.sourceIPText, reason: reason, detail: detail)
        promise.succeed(false)
    }
}
