import GatehouseConfig
import GatehousePKI
import IPNetwork
import NIOConcurrencyHelpers
import Synchronization

/// What Gatehouse knows about one client connection: where it comes from (decided at accept) and which client
/// certificate it proved (decided in the TLS handshake). Shared between the TLS verification callback, which
/// runs off the event loop, and the request handler.
public final class ConnectionState: Sendable {
    public let listener: String
    public let sourceIP: IPAddress
    /// `sourceIP` as text, made once: every request writes it to `X-Forwarded-For` and the access record.
    public let sourceIPText: String
    public let network: SourceNetwork?
    private let identityBox = NIOLockedValueBox<ClientIdentity?>(nil)
    private let chainBox = NIOLockedValueBox<[[UInt8]]?>(nil)
    private let rejectionReported = NIOLockedValueBox(false)
    private let revoked = Atomic<Bool>(false)

    public init(listener: String, sourceIP: IPAddress, network: SourceNetwork?) {
        self.listener = listener
        self.sourceIP = sourceIP
        self.sourceIPText = sourceIP.description
        self.network = network
    }

    /// The verified client identity; nil until the handshake's verification succeeded.
    public var clientIdentity: ClientIdentity? {
        get { identityBox.withLockedValue { $0 } }
        set { identityBox.withLockedValue { $0 = newValue } }
    }

    /// The certificate chain the client presented (leaf first) when its identity was verified: a reload verifies it
    /// again against the new policy (`ClientRevalidation`).
    public var clientChainDER: [[UInt8]]? {
        get { chainBox.withLockedValue { $0 } }
        set { chainBox.withLockedValue { $0 = newValue } }
    }

    /// Whether a reload found that the client certificate no longer passes: the current request is answered with
    /// `Connection: close`, and no further request is read.
    public var isRevoked: Bool { revoked.load(ordering: .relaxed) }

    func markRevoked() {
        revoked.store(true, ordering: .relaxed)
    }

    /// Whether a failed handshake was already logged and counted (by the verification callback), so the TLS
    /// error that follows is not counted twice.
    public var handshakeRejectionReported: Bool { rejectionReported.withLockedValue { $0 } }

    func markHandshakeRejectionReported() {
        rejectionReported.withLockedValue { $0 = true }
    }

    /// The last API key this connection presented (gate 7), see ``APIKeyMemo``.
    let apiKeyMemo = NIOLockedValueBox<APIKeyMemo?>(nil)
}
