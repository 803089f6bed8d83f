/// The `RateLimit-Policy` and `RateLimit` field values (draft-ietf-httpapi-ratelimit-headers-11) for the tightest
/// limit of a request: one Structured Fields list item each, the policy named by its ``ThrottleLevel``
/// (`"plan";q=200;w=2` and `"plan";r=150;t=1`).
struct RateLimitReport: Sendable, Equatable {
    let policy: String
    let value: String
    /// `r`: what decides which limit is the tightest.
    let remaining: Int64

    /// - Parameters:
    ///   - quota: requests allowed per window (`q`); a bucket's burst, or a quota's limit.
    ///   - window: the window in seconds (`w`): the time to refill an empty bucket, or the quota's period.
    ///   - remaining: requests left now (`r`).
    ///   - reset: seconds until the limit is whole again (`t`).
    init(level: ThrottleLevel, quota: Int64, window: Int64, remaining: Int64, reset: Int64) {
        self.remaining = max(0, remaining)
        let name = "\"" + level.rawValue + "\""
        self.policy = name + ";q=" + String(max(0, quota)) + ";w=" + String(max(1, window))
        self.value = name + ";r=" + String(max(0, remaining)) + ";t=" + String(max(0, reset))
    }
}
