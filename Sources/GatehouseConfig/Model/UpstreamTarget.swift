/// An integration URI for one stage, with stage variables expanded and parsed into upstream and path template.
public struct UpstreamTarget: Hashable, Sendable, CustomStringConvertible {
    public let upstream: Upstream
    /// The request path sent upstream; placeholders name the route's parameters.
    public let pathTemplate: [UpstreamPathPart]
    /// The expanded URI text.
    public let uri: String

    public init(upstream: Upstream, pathTemplate: [UpstreamPathPart], uri: String) {
        self.upstream = upstream
        self.pathTemplate = pathTemplate
        self.uri = uri
    }

    public var description: String { uri }
}
