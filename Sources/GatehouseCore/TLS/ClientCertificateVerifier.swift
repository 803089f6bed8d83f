import Foundation
import GatehousePKI
import NIOCore
import NIOSSL

/// Bridges NIOSSL's custom verification callback to `ClientCertificatePolicy`: chain, dates, EKU, CRL and
/// `allowed_clients` are decided there, and a rejection fails the handshake with an alert.
struct ClientCertificateVerifier: Sendable {
    let policy: ClientCertificatePolicy
    let connection: ConnectionState
    let observer: GatewayObserver

    func verify(_ certificates: [NIOSSLCertificate], promise: EventLoopPromise<NIOSSLVerificationResultWithMetadata>) {
        let chain: [[UInt8]]
        do {
            chain = try certificates.map { try $0.toDERBytes() }
        } catch {
            reject(reason: "malformed", detail: "client certificate could not be encoded", promise: promise)
            return
        }
        let policy = self.policy
        let connection = self.connection
        Task {
            switch await policy.verify(chainDER: chain, now: Date()) {
            case .success(let identity):
                connection.clientChainDER = chain
                connection.clientIdentity = identity
                promise.succeed(.certificateVerified(VerificationMetadata(nil)))
            case .failure(let rejection):
                reject(reason: rejection.reason, detail: rejection.message, promise: promise)
            }
        }
    }

    private func reject(
        reason: String, detail: String, promise: EventLoopPromise<NIOSSLVerificationResultWithMetadata>
    ) {
        connection.markHandshakeRejectionReported()
        observer.handshakeRejected(
            listener: connection.listener, sourceIP: connection.sourceIPText, reason: reason, detail: detail)
        promise.succeed(.failed)
    }
}
