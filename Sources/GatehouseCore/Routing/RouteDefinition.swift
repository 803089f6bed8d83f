import GatehouseConfig
import NIOCore
import NIOHTTP1
import NIOSSL

/// How a route authenticates its callers.
public enum RouteAuthorization: String, Sendable {
    case awsIAM = "AWS_IAM"
    case none = "NONE"
}

extension RouteKeySegment {
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
public final class RouteDefinition: Sendable {
    /// The route key as configured, e.g. `GET /users/{id}`: the bounded label for metrics and logs.
    public let key: String
    /// Upper-case method, or `ANY`.
    public let method: String
    public let segments: [RouteKeySegment]
    public let authorization: RouteAuthorization
    public let integration: RouteIntegration
    /// Whether an `Upgrade: websocket` request is forwarded as one (else `Upgrade` is dropped as hop-by-hop).
    public let websocket: Bool
    /// Gates 7 and 8 of this route in this stage (API key, plans, throttles); nil only for routes built without a
    /// configuration (tests), which pass both gates.
    let usage: RouteUsage?

    public init(
        key: String, method: String, segments: [RouteKeySegment], authorization: RouteAuthorization,
        integration: RouteIntegration, websocket: Bool = false
    ) {
        self.key = key
        self.method = method
        self.segments = segments
        self.authorization = authorization
        self.integration = integration
        self.websocket = websocket
        self.usage = nil
    }

    init(
        key: String, method: String, segments: [RouteKeySegment], authorization: RouteAuthorization,
        integration: RouteIntegration, usage: RouteUsage?, websocket: Bool = false
    ) {
        self.key = key
        self.method = method
        self.segments = segments
        self.authorization = authorization
        self.integration = integration
        self.usage = usage
        self.websocket = websocket
    }
}

/// What a route forwards to.
public enum RouteIntegration: Sendable {
    case httpProxy(ProxyTarget)
    case mock(MockResponse)
}

/// An `HTTP_PROXY` integration specialised to one stage.
public struct ProxyTarget: Sendable {
    public let upstream: Upstream
    /// The Host header the upstream receives (`host:port` of the integration URI, or `localhost` for unix sockets).
    public let hostHeader: String
    public let pathTemplate: [UpstreamPathPart]
    public let timeout: TimeAmount
    /// Which client headers the upstream may receive (`forward_underscore_headers`).
    let forwardedHeaders: ForwardedHeaderRule
    /// For an `h2://` upstream: the client TLS context (ALPN `h2`, trust anchors from `tls_ca` or the system).
    public let tlsContext: NIOSSLContext?
    /// The `tls_ca` file behind `tlsContext` (nil: the system's trust store): HTTP/2 connections are pooled per
    /// upstream and trust, so two routes that trust different CAs never share one.
    public let tlsCAPath: String?

    public init(
        upstream: Upstream, hostHeader: String, pathTemplate: [UpstreamPathPart], timeout: TimeAmount,
        forwardsUnderscoreHeaders: Bool = false, tlsContext: NIOSSLContext? = nil, tlsCAPath: String? = nil
    ) {
        self.tlsContext = tlsContext
        self.tlsCAPath = tlsCAPath
        self.upstream = upstream
        self.hostHeader = hostHeader
        self.pathTemplate = pathTemplate
        self.timeout = timeout
        self.forwardedHeaders = ForwardedHeaderRule(forwardsUnderscoreNames: forwardsUnderscoreHeaders)
    }
}

/// A `MOCK` integration: the answer is fixed in the configuration, so its head and body are built once, here.
public struct MockResponse: Sendable {
    public let status: HTTPResponseStatus
    /// The configured headers plus `content-length`.
    public let headers: HTTPHeaders
    public let body: ByteBuffer

    public init(status: Int, headers: [(String, String)], body: String) {
        self.status = HTTPResponseStatus(statusCode: status)
        self.body = ByteBuffer(string: body)
        var fields = HTTPHeaders(headers)
        fields.replaceOrAdd(name: "content-length", value: String(self.body.readableBytes))
        self.headers = fields
    }
}
