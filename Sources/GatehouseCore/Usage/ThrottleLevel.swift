/// Where a limit sits in gate 8, in the contract's order of checks (section 7). The raw value is the `limit` label of
/// `gatehouse_throttled_requests_total` and the policy name in `RateLimit-Policy` / `RateLimit`.
public enum ThrottleLevel: String, Sendable, CaseIterable {
    case planRoute = "plan_route"
    case plan
    case stageRoute = "stage_route"
    case stage
    case gateway
    case quota
}
