import GatehouseConfig
import GatehousePKI
import IPNetwork

/// A data listener's compiled state: TLS context and client policy (built once per configuration, off the
/// event loop) and the sources it admits.
public struct ListenerRuntime: Sendable {
    public let name: String
    /// The server-side TLS context every connection of this configuration shares (`TLSServerHandler`).
    let tlsContext: TLSServerContext
    public let clientPolicy: ClientCertificatePolicy
    public let allowedSources: [AllowedSource]
    /// Set when the listener sits behind a proxy speaking the PROXY protocol.
    public let proxyProtocol: ProxyProtocolSettings?
    /// Whether the TLS context offers `h2` by ALPN; the connection's pipeline follows what the handshake chose.
    public let http2: Bool

    /// Which peers may send a PROXY header; the client address it carries becomes the source.
    public struct ProxyProtocolSettings: Sendable {
        public let trustedProxies: [CIDR]
    }

    init(
        name: String, tlsContext: TLSServerContext, clientPolicy: ClientCertificatePolicy,
        allowedSources: [AllowedSource],
        http2: Bool = true, proxyProtocol: ProxyProtocolSettings?
    ) {
        self.name = name
        self.tlsContext = tlsContext
        self.clientPolicy = clientPolicy
        self.allowedSources = allowedSources
        self.proxyProtocol = proxyProtocol
        self.http2 = http2
    }

    /// Admission: empty or absent `allow_sources` admits nobody.
    public func admits(_ address: IPAddress) -> Bool {
        allowedSources.contains { $0.contains(address) }
    }
}
