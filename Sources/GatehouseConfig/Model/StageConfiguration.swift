/// A deployment stage: the first path segment of a request (`/prod/...`) and its stage variables.
public struct StageConfiguration: Hashable, Sendable {
    public let name: String
    /// `${stageVariables.NAME}` values, already expanded into integration URIs at load time.
    public let variables: [String: String]
    public let location: SourceLocation
    /// The whole stage's bucket, all callers together (`throttle`); nil: none.
    public let throttle: ThrottleConfiguration?
    /// Per route, all callers together (`route_throttles`), keyed as the API's routes are.
    public let routeThrottles: [RouteThrottleConfiguration]

    public init(
        name: String, variables: [String: String], location: SourceLocation, throttle: ThrottleConfiguration? = nil,
        routeThrottles: [RouteThrottleConfiguration] = []
    ) {
        self.name = name
        self.variables = variables
        self.location = location
        self.throttle = throttle
        self.routeThrottles = routeThrottles
    }
}
