/// An `HTTP_PROXY` integration: the request is forwarded upstream as received.
public struct HTTPProxyIntegrationConfiguration: Hashable, Sendable {
    /// The URI as configured (environment variables expanded, stage variables not).
    public let uri: String
    /// The URI per stage name, stage variables expanded. Has an entry for every stage of the API.
    public let targets: [String: UpstreamTarget]
    /// Time the upstream gets to answer before a 504. Default 29 s as in API Gateway; up to 300 s is allowed.
    public let timeout: Duration
    /// Position of the `uri` field.
    public let location: SourceLocation
    /// `tls_ca`: PEM trust anchors for an `h2://` upstream's certificate; nil = the system's trust store.
    public let tlsCA: ConfiguredFile?

    public init(
        uri: String, targets: [String: UpstreamTarget], timeout: Duration, location: SourceLocation,
        tlsCA: ConfiguredFile? = nil
    ) {
        self.uri = uri
        self.targets = targets
        self.timeout = timeout
        self.location = location
        self.tlsCA = tlsCA
    }
}
