/// One `api_stages` entry of a usage plan: an API stage the plan covers, with per-consumer route throttles.
public struct UsagePlanStageConfiguration: Hashable, Sendable {
    public let api: String
    public let stage: String
    public let routeThrottles: [RouteThrottleConfiguration]

    public init(api: String, stage: String, routeThrottles: [RouteThrottleConfiguration]) {
        self.api = api
        self.stage = stage
        self.routeThrottles = routeThrottles
    }
}
