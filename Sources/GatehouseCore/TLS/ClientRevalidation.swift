import Foundation
import GatehousePKI
import NIOCore
import Synchronization

/// Re-checks established connections' client certificates when a reload brings a new client policy (contract
/// section 3: a connection whose certificate no longer passes — revoked by a new CRL, outside `allowed_clients`, no
/// longer chaining to `client_ca`, or its listener gone — is closed once its current request is answered).
///
/// The work happens once per connection per reload, off the event loops, right after the new snapshot is swapped in
/// and before the reload is reported done; the request path only reads the connection's `isRevoked` flag (one
/// atomic load) to answer with `Connection: close` and close after the answer. A connection whose handshake was
/// still running during the reload was verified against a policy read at accept, and is not re-checked.
///
/// TLS resumption cannot bring a revoked client back: a resumed session skips the verification callback, so
/// `ClientIdentityGate` verifies the peer certificate again with the policy of the snapshot current at accept.
final class ClientRevalidation: Sendable {
    private let connections = Mutex<[ObjectIdentifier: ConnectionState]>([:])

    /// Tracks a connection until its channel closes.
    func track(_ connection: ConnectionState, closeFuture: EventLoopFuture<Void>) {
        let id = ObjectIdentifier(connection)
        connections.withLock { $0[id] = connection }
        closeFuture.whenComplete { [self] _ in
            _ = self.connections.withLock { $0.removeValue(forKey: id) }
        }
    }

    var trackedCount: Int { connections.withLock { $0.count } }

    /// Verifies every tracked connection's certificate chain against `snapshot`'s policy for its listener and marks
    /// the ones that fail. Returns how many were marked.
    @discardableResult
    func revalidate(against snapshot: GatewaySnapshot, now: Date = Date()) async -> Int {
        let open = connections.withLock { Array($0.values) }
        var revoked = 0
        for connection in open where !connection.isRevoked {
            guard let chain = connection.clientChainDER else { continue }
            guard let policy = snapshot.listeners[connection.listener]?.clientPolicy else {
                connection.markRevoked()
                revoked += 1
                continue
            }
            if case .failure = await policy.verify(chainDER: chain, now: now) {
                connection.markRevoked()
                revoked += 1
            }
        }
        return revoked
    }
}
