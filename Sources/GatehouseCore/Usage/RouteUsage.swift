import CoreMetrics

/// Everything gates 7 and 8 need for one route of one stage, resolved when the snapshot is built so a request looks
/// nothing up by name: whether it needs an API key, the plans covering its stage (file order), the stage route, stage
/// and gateway buckets, and the `gatehouse_throttled_requests_total` counters of its stage.
final class RouteUsage: Sendable {
    let apiID: String
    let stage: String
    /// The route key, which names the plan's per-consumer route bucket.
    let routeKey: String
    let apiKeyRequired: Bool
    let plans: [RoutePlan]
    /// Stage route, stage and gateway throttles, in the contract's order (absent ones left out).
    let shared: [SharedThrottle]
    let apiKeys: APIKeyTable
    let state: UsageState
    /// `gatehouse_throttled_requests_total{api,stage,limit}` by ``ThrottleLevel`` (made once per stage and level).
    let throttledCounters: [ThrottleLevel: Counter]
    /// Whether any throttle here is `scope: fleet` (only then is the live instance count read).
    let hasFleetScope: Bool

    init(
        apiID: String, stage: String, routeKey: String, apiKeyRequired: Bool, plans: [RoutePlan],
        shared: [SharedThrottle], apiKeys: APIKeyTable, state: UsageState, throttledCounters: [ThrottleLevel: Counter]
    ) {
        self.apiID = apiID
        self.stage = stage
        self.routeKey = routeKey
        self.apiKeyRequired = apiKeyRequired
        self.plans = plans
        self.shared = shared
        self.apiKeys = apiKeys
        self.state = state
        self.throttledCounters = throttledCounters
        self.hasFleetScope =
            shared.contains { $0.limit.fleet }
            || plans.contains { $0.plan.throttle?.fleet == true || $0.routeThrottle?.fleet == true }
    }

    /// Whether `RateLimit` headers go on this route's answers: a plan covers its stage.
    var planApplies: Bool { !plans.isEmpty }
}
