/// A listener's TLS settings. Client certificates are mandatory (mTLS), so `clientCA` is required.
public struct ListenerTLSConfiguration: Hashable, Sendable {
    /// Server certificate chain, leaf first (PEM).
    public let certificate: ConfiguredFile
    /// Server private key (PEM).
    public let privateKey: ConfiguredFile
    /// Trust anchors for client certificates (PEM).
    public let clientCA: ConfiguredFile
    /// Optional PEM CRL(s); revoked clients fail the handshake.
    public let clientCRL: ConfiguredFile?
    /// Patterns on the client's URI SAN, DNS SAN or subject DN; empty means any client the CA trusts.
    public let allowedClients: [String]
    /// Lowest TLS version offered.
    public let minimumVersion: TLSMinimumVersion
    /// Position of the `tls` mapping itself.
    public let location: SourceLocation

    public init(
        certificate: ConfiguredFile,
        privateKey: ConfiguredFile,
        clientCA: ConfiguredFile,
        clientCRL: ConfiguredFile?,
        allowedClients: [String],
        minimumVersion: TLSMinimumVersion,
        location: SourceLocation
    ) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.clientCA = clientCA
        self.clientCRL = clientCRL
        self.allowedClients = allowedClients
        self.minimumVersion = minimumVersion
        self.location = location
    }
}
