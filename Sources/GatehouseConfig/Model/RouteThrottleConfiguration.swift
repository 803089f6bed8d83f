/// One entry of `route_throttles` (on a stage, or on a usage plan's API stage): the route it limits, named by the
/// route's own key (parameter names as the API's route spells them), and its bucket.
public struct RouteThrottleConfiguration: Hashable, Sendable {
    public let route: RouteKey
    public let throttle: ThrottleConfiguration

    public init(route: RouteKey, throttle: ThrottleConfiguration) {
        self.route = route
        self.throttle = throttle
    }
}
