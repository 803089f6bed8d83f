/// A plan covering a route's stage, with the plan's throttle for that route when it has one (`route_throttles` of
/// the plan's API stage).
struct RoutePlan: Sendable {
    let plan: PlanRuntime
    let routeThrottle: ThrottleLimit?
}
