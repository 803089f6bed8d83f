import IPNetwork

/// A listener: a named socket (also its systemd `FileDescriptorName=`), with its admission and TLS settings.
public struct ListenerConfiguration: Hashable, Sendable {
    /// Unique name; matches a systemd-passed socket's name.
    public let name: String
    /// Address to bind when systemd passes no socket of this name.
    public let bind: BindAddress
    /// Position of the `bind` field.
    public let bindLocation: SourceLocation
    /// The admin listener serves `/metrics`, `/healthz`, `/readyz` in plaintext on loopback or unix only.
    public let isAdmin: Bool
    /// TLS settings; always present for non-admin listeners, always nil for the admin listener.
    public let tls: ListenerTLSConfiguration?
    /// Sources admitted before the TLS handshake. Empty (or absent in the file) admits nobody.
    public let allowSources: [AllowedSource]
    /// Whether a PROXY protocol v1/v2 header is expected (accepted only from `trustedProxies`).
    public let proxyProtocol: Bool
    /// Peers whose PROXY protocol header is believed.
    public let trustedProxies: [CIDR]
    /// Whether a non-internal address may be bound or passed (never true for admin).
    public let allowPublicBind: Bool
    /// Position of the listener's mapping.
    public let location: SourceLocation
    /// Whether TLS offers `h2` next to `http/1.1` by ALPN (contract section 9); false offers only `http/1.1`.
    public let http2: Bool

    public init(
        name: String,
        bind: BindAddress,
        bindLocation: SourceLocation,
        isAdmin: Bool,
        tls: ListenerTLSConfiguration?,
        allowSources: [AllowedSource],
        proxyProtocol: Bool,
        trustedProxies: [CIDR],
        allowPublicBind: Bool,
        location: SourceLocation,
        http2: Bool = true
    ) {
        self.name = name
        self.bind = bind
        self.bindLocation = bindLocation
        self.isAdmin = isAdmin
        self.tls = tls
        self.allowSources = allowSources
        self.proxyProtocol = proxyProtocol
        self.trustedProxies = trustedProxies
        self.allowPublicBind = allowPublicBind
        self.location = location
        self.http2 = http2
    }

    /// Whether a connection from the address passes `allow_sources`.
    public func admits(_ address: IPAddress) -> Bool {
        allowSources.contains { $0.contains(address) }
    }
}
