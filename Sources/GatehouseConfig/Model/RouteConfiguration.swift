/// A route of an API: its key, effective authorization and integration.
public struct RouteConfiguration: Hashable, Sendable {
    public let key: RouteKey
    /// The route's own `authorization`, or the API's when the route has none.
    public let authorization: AuthorizationType
    public let integration: IntegrationConfiguration
    /// `websocket: true`: an HTTP/1.1 `Upgrade: websocket` request is forwarded with its upgrade headers, and after
    /// the upstream's 101 the connection carries WebSocket frames both ways (contract section 9).
    public let websocket: Bool
    /// Position of the route's mapping.
    public let location: SourceLocation
    /// The route's own `api_key_required`, or the API's when the route has none (default false).
    public let apiKeyRequired: Bool

    public init(
        key: RouteKey, authorization: AuthorizationType, integration: IntegrationConfiguration,
        websocket: Bool = false, location: SourceLocation, apiKeyRequired: Bool = false
    ) {
        self.key = key
        self.authorization = authorization
        self.integration = integration
        self.websocket = websocket
        self.location = location
        self.apiKeyRequired = apiKeyRequired
    }
}
