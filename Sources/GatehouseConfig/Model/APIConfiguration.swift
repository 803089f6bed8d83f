/// A private REST API: its id (as in the `execute-api` host name and ARNs), stages, routes and resource policy.
public struct APIConfiguration: Hashable, Sendable {
    /// 10 lowercase letters or digits, as in API Gateway.
    public let id: String
    /// Display name (defaults to the id).
    public let name: String
    /// Extra `Host` names (custom domains), lower case.
    public let hosts: [String]
    /// The hosts given as `{host, stage}`: host (lower case) → stage. A request to one of them carries no stage
    /// prefix; its path is the route's whole path (contract section 9).
    public let stageHosts: [String: String]
    /// Default authorization for routes that do not set their own.
    public let authorization: AuthorizationType
    /// The resource policy, or nil: allow every authenticated caller that reached the listener.
    public let policy: PolicyDocumentSource?
    /// Stages in configuration order.
    public let stages: [StageConfiguration]
    /// Routes in configuration order (matching precedence is the router's job).
    public let routes: [RouteConfiguration]
    /// Position of the API's mapping.
    public let location: SourceLocation
    /// Default `api_key_required` of the API's routes (false).
    public let apiKeyRequired: Bool

    public init(
        id: String,
        name: String,
        hosts: [String],
        stageHosts: [String: String] = [:],
        authorization: AuthorizationType,
        policy: PolicyDocumentSource?,
        stages: [StageConfiguration],
        routes: [RouteConfiguration],
        location: SourceLocation,
        apiKeyRequired: Bool = false
    ) {
        self.apiKeyRequired = apiKeyRequired
        self.id = id
        self.name = name
        self.hosts = hosts
        self.stageHosts = stageHosts
        self.authorization = authorization
        self.policy = policy
        self.stages = stages
        self.routes = routes
        self.location = location
    }

    /// The stage of this name, if any.
    public func stage(named name: String) -> StageConfiguration? {
        stages.first { $0.name == name }
    }
}
