/// What gates 7 and 8 decided about one request, for its answer (`RateLimit`, `Retry-After`) and its access record
/// (`API_KEY_ID`, `USAGE_PLAN`, `CONSUMER`).
struct UsageOutcome: Sendable {
    /// The id of the key the request sent, when it names a configured key (never the value).
    var apiKeyID: String?
    var planID: String?
    var consumer: String?
    /// The tightest limit, on routes where a plan applies.
    var rateLimit: RateLimitReport?
    /// Seconds until a token or the next quota period, on a 429.
    var retryAfter: Int64?
}
