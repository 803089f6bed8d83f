import GatehousePKI
import IPNetwork
import NIOSSL

/// A data listener's compiled state: TLS context and client policy (built once per configuration, off the
/// event loop) and the sources it admits.
public struct ListenerRuntime: Sendable {
    public let name: String
    public let sslContext: NIOSSLContext
    public let clientPolicy: ClientCertificatePolicy
    public let allowedSources: [CIDR]

    public init(name: String, sslContext: NIOSSLContext, clientPolicy: ClientCertificatePolicy, allowedSources: [CIDR]) {
        self.name = name
        self.sslContext = sslContext
        self.clientPolicy = clientPolicy
        self.allowedSources = allowedSources
    }

    /// Admission: empty or absent `allow_sources` admits nobody.
    public func admits(_ address: IPAddress) -> Bool {
        allowedSources.contains { $0.contains(address) }
    }
}
