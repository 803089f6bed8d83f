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
            switch await Self.verify(
                chainDER: chain, connection: connection, acceptedUnder: acceptedUnder, store: store)
            {
            case .success: promise.succeed(true)
            case .failure(let rejection):
                reject(reason: rejection.reason, detail: rejection.message, promise: promise)
            }
        }
    }

    /// The check itself, shared with `ClientIdentityGate` (a resumed session's certificate): `chain` verified with the
    /// listener's policy in `acceptedUnder`, stored on `connection` when it passes, and verified again under the
    /// current snapshot until the one it was verified under is still current.
    static func verify(
        chainDER chain: [[UInt8]], connection: ConnectionState, acceptedUnder: GatewaySnapshot, store: SnapshotStore
    ) async -> Result<ClientIdentity, ClientCertificateRejection> {
        var snapshot = acceptedUnder
        while true {
            guard let policy = snapshot.listeners[connection.listener]?.clientPolicy else {
                return .failure(
                    ClientCertificateRejection(
                        reason: ClientCertificateRejection.notAllowed, message: "the listener is no longer configured"))
            }
            let outcome = await policy.verify(chainDER: chain, now: Date())
            guard case .success(let identity) = outcome else { return outcome }
            connection.clientChainDER = chain
            connection.clientIdentity = identity
            let current = store.current
            guard current === snapshot else {
                snapshot = current
                continue
            }
            return outcome
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
