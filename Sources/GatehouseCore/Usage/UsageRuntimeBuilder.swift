import CoreMetrics
import GatehouseBytes
import GatehouseConfig
import GatehousePKI
import GatehouseState

/// Compiles the usage part of a configuration (API keys, plans, throttles) for one snapshot, taking buckets and plan
/// state from ``UsageState`` so that a reload keeps them by name.
struct UsageRuntimeBuilder {
    let configuration: GatewayConfiguration
    let state: UsageState
    let apiKeys: APIKeyTable
    let plans: [(configuration: UsagePlanConfiguration, runtime: PlanRuntime)]
    let gateway: SharedThrottle

    /// Plans whose client patterns do not compile are reported (at the plan), as `allowed_clients` are.
    init(configuration: GatewayConfiguration, state: UsageState, problems: inout [ConfigurationProblem]) {
        self.configuration = configuration
        self.state = state
        self.apiKeys = APIKeyTable(configuration.apiKeys)
        var plans: [(UsagePlanConfiguration, PlanRuntime)] = []
        for plan in configuration.usagePlans {
            var clients: [AllowedClientPattern] = []
            for pattern in plan.consumers.clients {
                do {
                    clients.append(try AllowedClientPattern(pattern))
                } catch {
                    problems.append(
                        ConfigurationProblem(location: plan.location, message: "usage plan \"\(plan.id)\": \(error)"))
                }
            }
            let quota = plan.quota.map(QuotaRule.init)
            let runtime = PlanRuntime(
                id: plan.id, throttle: plan.throttle.map(ThrottleLimit.init), quota: quota,
                apiKeyIDs: Set(plan.consumers.apiKeys), principals: plan.consumers.principals.map { WildcardPattern($0) },
                clients: clients, state: state.planState(plan.id))
            plans.append((plan, runtime))
        }
        self.plans = plans
        self.gateway = SharedThrottle(
            level: .gateway, limit: ThrottleLimit(configuration.throttle), bucket: state.sharedBucket(.gateway))
    }

    /// Gates 7 and 8 of one route in one stage.
    func routeUsage(api: APIConfiguration, stage: StageConfiguration, route: RouteConfiguration) -> RouteUsage {
        let routeKey = route.key.description
        var routePlans: [RoutePlan] = []
        for (plan, runtime) in plans {
            guard let covered = plan.apiStages.first(where: { $0.api == api.id && $0.stage == stage.name }) else {
                continue
            }
            let routeThrottle = covered.routeThrottles.first { $0.route == route.key }?.throttle
            routePlans.append(RoutePlan(plan: runtime, routeThrottle: routeThrottle.map(ThrottleLimit.init)))
        }
        var shared: [SharedThrottle] = []
        if let throttle = stage.routeThrottles.first(where: { $0.route == route.key })?.throttle {
            shared.append(
                SharedThrottle(
                    level: .stageRoute, limit: ThrottleLimit(throttle),
                    bucket: state.sharedBucket(.stageRoute, api.id, stage.name, routeKey)))
        }
        if let throttle = stage.throttle {
            shared.append(
                SharedThrottle(
                    level: .stage, limit: ThrottleLimit(throttle), bucket: state.sharedBucket(.stage, api.id, stage.name)))
        }
        shared.append(gateway)
        var levels = shared.map(\.level)
        if !routePlans.isEmpty {
            levels += [.plan, .quota]
            if routePlans.contains(where: { $0.routeThrottle != nil }) { levels.append(.planRoute) }
        }
        var counters: [ThrottleLevel: Counter] = [:]
        if let metrics = state.metrics {
            for level in levels {
                counters[level] = metrics.counter(
                    "gatehouse_throttled_requests_total",
                    [("api", api.id), ("stage", stage.name), ("limit", level.rawValue)])
            }
        }
        return RouteUsage(
            apiID: api.id, stage: stage.name, routeKey: routeKey, apiKeyRequired: route.apiKeyRequired,
            plans: routePlans, shared: shared, apiKeys: apiKeys, state: state, throttledCounters: counters)
    }
}
