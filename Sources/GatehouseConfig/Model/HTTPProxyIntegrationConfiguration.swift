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

    public init(uri: String, targets: [String: UpstreamTarget], timeout: Duration, location: SourceLocation) {
        self.uri = uri
        self.targets = targets
        self.timeout = timeout
        self.location = location
    }
}
