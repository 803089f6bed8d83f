import NIOCore

/// How a route authenticates its callers.
public enum RouteAuthorization: String, Sendable {
    case awsIAM = "AWS_IAM"
    case none = "NONE"
}

/// One segment of a route's path pattern.
public enum RouteSegment: Sendable, Equatable {
    case literal(String)
    /// `{name}`: exactly one segment.
    case parameter(String)
    /// `{name+}`: one or more trailing segments.
    case greedy(String)

    /// Routing precedence: a literal beats a parameter, which beats a greedy match.
    var rank: Int {
        switch self {
        case .literal: 2
        case .parameter: 1
        case .greedy: 0
        }
    }
}

/// A route of one stage, with its integration already specialised to that stage's variables.
public struct RouteDefinition: Sendable {
    /// The route key as configured, e.g. `GET /users/{id}`: the bounded label for metrics and logs.
    public let key: String
    /// Upper-case method, or `ANY`.
    public let method: String
    public let segments: [RouteSegment]
    public let authorization: RouteAuthorization
    public let integration: Integration

    public init(
        key: String, method: String, segments: [RouteSegment], authorization: RouteAuthorization,
        integration: Integration
    ) {
        self.key = key
        self.method = method
        self.segments = segments
        self.authorization = authorization
        self.integration = integration
    }
}

/// What a route forwards to.
public enum Integration: Sendable {
    case httpProxy(HTTPProxyIntegration)
    case mock(MockIntegration)
}

/// Where an `HTTP_PROXY` integration connects.
public enum UpstreamAddress: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}

/// A piece of an integration path template: raw text, or a `{name}` placeholder filled from the matched route.
public enum PathTemplatePart: Sendable, Equatable {
    case text(String)
    case variable(String)
}

public struct HTTPProxyIntegration: Sendable {
    public let upstream: UpstreamAddress
    /// The Host header the upstream receives (`host:port` of the integration URI, or `localhost` for unix sockets).
    public let hostHeader: String
    public let pathTemplate: [PathTemplatePart]
    public let timeout: TimeAmount

    public init(upstream: UpstreamAddress, hostHeader: String, pathTemplate: [PathTemplatePart], timeout: TimeAmount) {
        self.upstream = upstream
        self.hostHeader = hostHeader
        self.pathTemplate = pathTemplate
        self.timeout = timeout
    }
}

public struct MockIntegration: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: String

    public init(status: Int, headers: [(String, String)], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
