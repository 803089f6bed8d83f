/// A route of an API: its key, effective authorization and integration.
public struct RouteConfiguration: Hashable, Sendable {
    public let key: RouteKey
    /// The route's own `authorization`, or the API's when the route has none.
    public let authorization: AuthorizationType
    public let integration: IntegrationConfiguration
    /// Position of the route's mapping.
    public let location: SourceLocation

    public init(
        key: RouteKey, authorization: AuthorizationType, integration: IntegrationConfiguration, location: SourceLocation
    ) {
        self.key = key
        self.authorization = authorization
        self.integration = integration
        self.location = location
    }
}
