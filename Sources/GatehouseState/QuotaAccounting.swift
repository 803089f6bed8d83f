import Foundation

/// What the request path asks of the usage state (gate 8's quota, and the instance count for `scope: fleet`
/// throttles). Every call answers from memory, never waiting on the store: counts are merged into the store in
/// batches in the background (contract section 8), so the request path never makes a database round trip.
///
/// Implementations are shared by every event loop and survive configuration reloads, so that counts of consumers
/// that still exist are kept.
public protocol QuotaAccounting: Sendable {
    /// Counts one request of `consumer` under `plan` if the current period of `rule` has room left.
    func admit(plan: String, consumer: String, rule: QuotaRule, now: Date) -> QuotaDecision

    /// The same figures as `admit` without counting anything (for `RateLimit` headers on answers that did not reach
    /// the quota, `gatehouse_quota_remaining`, and `GET /usage`).
    func peek(plan: String, consumer: String, rule: QuotaRule, now: Date) -> QuotaDecision

    /// The number of live Gatehouse instances sharing the store (1 without PostgreSQL), by their heartbeats; a
    /// `scope: fleet` throttle gives each instance this share of its rate and burst.
    var liveInstances: Int { get }
}
