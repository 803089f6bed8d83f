/// The ledger's answer for one request against one consumer's quota. The gate turns it into the request's outcome
/// (429 `LimitExceededException` when exhausted, 503 when the store is down and `on_store_failure: closed`) and its
/// `RateLimit` / `Retry-After` headers.
public struct QuotaDecision: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Counted: the request may go on.
        case admitted
        /// The period's limit is used up; nothing was counted.
        case exhausted
        /// The store is unreachable and the configuration says `on_store_failure: closed`; nothing was counted.
        case storeUnavailable
    }

    public let outcome: Outcome
    /// Requests left in this period after this one (0 when exhausted).
    public let remaining: Int64
    /// The limit that applies in this period (the plan's limit, minus the offset in the first period).
    public let limit: Int64
    /// Seconds since 1970 (UTC) at which the next period starts and the count starts again.
    public let resetsAt: Int64

    public init(outcome: Outcome, remaining: Int64, limit: Int64, resetsAt: Int64) {
        self.outcome = outcome
        self.remaining = remaining
        self.limit = limit
        self.resetsAt = resetsAt
    }
}
