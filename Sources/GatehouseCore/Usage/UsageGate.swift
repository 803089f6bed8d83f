import CoreMetrics
import Foundation
import GatehouseBytes
import GatehousePKI
import GatehouseState

/// Gates 7 and 8 for one request (contract section 7): the route's API key, the consumer, the token buckets in the
/// contract's order — plan route, plan, stage route, stage, gateway — and then the quota.
///
/// Buckets are checked all at once and taken from all at once, under ``UsageState``'s lock: the first without a token
/// answers 429 and no bucket loses a token for a refused request. `clock` is a monotonic time in nanoseconds, passed
/// in so tests can move it.
struct UsageGate {
    let route: RouteUsage

    /// Who a request is counted as: a plan and the consumer's name in it (an API key's id, a principal ARN, or the
    /// client certificate's first URI SAN, else its subject).
    struct Consumer {
        let plan: RoutePlan
        let name: String
        let apiKeyID: String?
    }

    /// The refusal, if any, and what the request was counted as.
    struct Verdict {
        let refusal: GatewayError?
        let outcome: UsageOutcome
    }

    /// `client` is read only when a plan could count the certificate (it takes the connection's lock).
    func admit(
        apiKey: String?, principal: String?, client: () -> ClientIdentity?, now: Date, clock: UInt64
    ) -> Verdict {
        var outcome = UsageOutcome()
        let key = apiKey.flatMap { route.apiKeys.key(for: $0) }
        outcome.apiKeyID = key?.id
        var keyPlan: RoutePlan?
        if let key, key.enabled {
            keyPlan = route.plans.first { $0.plan.apiKeyIDs.contains(key.id) }
        }
        if route.apiKeyRequired, keyPlan == nil {
            return Verdict(refusal: .forbidden, outcome: outcome)
        }
        let consumer =
            route.plans.isEmpty
            ? nil : resolveConsumer(keyPlan: keyPlan, keyID: key?.id, principal: principal, client: client())
        outcome.planID = consumer?.plan.plan.id
        outcome.consumer = consumer?.name
        if let refusal = takeTokens(consumer, clock: clock, outcome: &outcome) {
            return Verdict(refusal: refusal, outcome: outcome)
        }
        return Verdict(refusal: checkQuota(consumer, now: now, outcome: &outcome), outcome: outcome)
    }

    /// The API key's plan when the key is valid here; otherwise the first plan (file order) counting the SigV4
    /// principal, then the first counting the client certificate.
    func resolveConsumer(keyPlan: RoutePlan?, keyID: String?, principal: String?, client: ClientIdentity?)
        -> Consumer?
    {
        if let keyPlan, let keyID {
            return Consumer(plan: keyPlan, name: keyID, apiKeyID: keyID)
        }
        if let principal, let plan = route.plans.first(where: { $0.plan.counts(principal: principal) }) {
            return Consumer(plan: plan, name: principal, apiKeyID: nil)
        }
        if let client, let plan = route.plans.first(where: { $0.plan.counts(client: client) }) {
            return Consumer(plan: plan, name: client.uris.first ?? client.subject, apiKeyID: nil)
        }
        return nil
    }

    /// Calls `body` with each bucket of this request in the contract's order, until it returns false. No array is
    /// made: this runs under the lock on every request.
    private func forEachBucket(
        _ consumer: Consumer?, _ body: (ThrottleLevel, ThrottleLimit, TokenBucket) -> Bool
    ) {
        if let consumer {
            let state = consumer.plan.plan.state.consumer(consumer.name)
            if let limit = consumer.plan.routeThrottle {
                guard body(.planRoute, limit, state.routeBucket(route.routeKey)) else { return }
            }
            if let limit = consumer.plan.plan.throttle {
                guard body(.plan, limit, state.planBucket) else { return }
            }
        }
        for throttle in route.shared {
            guard body(throttle.level, throttle.limit, throttle.bucket) else { return }
        }
    }

    /// Checks every bucket, then takes a token from each, or from none; reports the tightest (or the refusing) one.
    private func takeTokens(_ consumer: Consumer?, clock: UInt64, outcome: inout UsageOutcome) -> GatewayError? {
        let instances = route.hasFleetScope ? route.state.liveInstances : 1
        let reports = route.planApplies
        return route.state.lock.withLock {
            var refusal: GatewayError?
            forEachBucket(consumer) { level, limit, bucket in
                let (rate, burst) = limit.share(of: instances)
                let available = bucket.refill(rate: rate, burst: burst, now: clock)
                guard available < 1 else { return true }
                route.throttledCounters[level]?.increment()
                outcome.retryAfter = Self.seconds((1 - available) / rate)
                if reports {
                    outcome.rateLimit = Self.report(level, rate: rate, burst: burst, tokens: available)
                }
                refusal = .tooManyRequests
                return false
            }
            if let refusal { return refusal }
            // Every bucket has a token (counted at this same clock, so a second refill adds nothing): take them.
            var tightest: (level: ThrottleLevel, rate: Double, burst: Double, tokens: Double)?
            forEachBucket(consumer) { level, limit, bucket in
                let (rate, burst) = limit.share(of: instances)
                let left = bucket.refill(rate: rate, burst: burst, now: clock) - 1
                bucket.take()
                if reports, tightest == nil || left.rounded(.down) < tightest!.tokens.rounded(.down) {
                    tightest = (level, rate, burst, left)
                }
                return true
            }
            if let tightest {
                outcome.rateLimit = Self.report(
                    tightest.level, rate: tightest.rate, burst: tightest.burst, tokens: tightest.tokens)
            }
            return nil
        }
    }

    /// The consumer's quota, after the throttles: counted in the ledger, or refused.
    private func checkQuota(_ consumer: Consumer?, now: Date, outcome: inout UsageOutcome) -> GatewayError? {
        guard let consumer, let rule = consumer.plan.plan.quota, let accounting = route.state.accounting else {
            return nil
        }
        let plan = consumer.plan.plan
        let decision = accounting.admit(plan: plan.id, consumer: consumer.name, rule: rule, now: now)
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        recordRemaining(decision.remaining, plan: plan, consumer: consumer.name)
        let untilReset = max(0, decision.resetsAt - nowSeconds)
        let remainingTokens = outcome.rateLimit?.remaining
        if decision.outcome != .admitted || remainingTokens.map({ decision.remaining < $0 }) ?? true {
            outcome.rateLimit = RateLimitReport(
                level: .quota, quota: decision.limit, window: Self.periodSeconds(rule.period, resetsAt: decision.resetsAt),
                remaining: decision.remaining, reset: untilReset)
        }
        switch decision.outcome {
        case .admitted:
            return nil
        case .exhausted:
            route.throttledCounters[.quota]?.increment()
            outcome.retryAfter = max(1, untilReset)
            return .limitExceeded
        case .storeUnavailable:
            return .serviceUnavailable
        }
    }

    private func recordRemaining(_ remaining: Int64, plan: PlanRuntime, consumer: String) {
        guard let metrics = route.state.metrics else { return }
        let gauge = route.state.lock.withLock { () -> Gauge in
            let state = plan.state.consumer(consumer)
            if let gauge = state.quotaGauge { return gauge }
            let gauge = metrics.gauge("gatehouse_quota_remaining", [("plan", plan.id), ("consumer", consumer)])
            state.quotaGauge = gauge
            return gauge
        }
        gauge.record(remaining)
    }

    /// The `RateLimit` figures of the stage route, stage and gateway buckets without taking anything: for answers
    /// refused before gate 8 on a route where a plan applies.
    func peek(clock: UInt64) -> RateLimitReport? {
        guard route.planApplies else { return nil }
        let instances = route.hasFleetScope ? route.state.liveInstances : 1
        return route.state.lock.withLock {
            var tightest: RateLimitReport?
            var least = Double.infinity
            for throttle in route.shared {
                let (rate, burst) = throttle.limit.share(of: instances)
                let tokens = throttle.bucket.refill(rate: rate, burst: burst, now: clock)
                if tokens.rounded(.down) < least {
                    least = tokens.rounded(.down)
                    tightest = Self.report(throttle.level, rate: rate, burst: burst, tokens: tokens)
                }
            }
            return tightest
        }
    }

    // MARK: Figures

    static func report(_ level: ThrottleLevel, rate: Double, burst: Double, tokens: Double) -> RateLimitReport {
        RateLimitReport(
            level: level, quota: Int64(burst.rounded(.down)), window: seconds(burst / rate),
            remaining: Int64(max(0, tokens).rounded(.down)), reset: seconds((burst - max(0, tokens)) / rate))
    }

    /// Whole seconds, rounded up (a client that waits this long finds what was promised).
    static func seconds(_ value: Double) -> Int64 {
        guard value.isFinite, value > 0 else { return 0 }
        return Int64(min(value, 1e12).rounded(.up))
    }

    /// The length of the quota period ending at `resetsAt`.
    static func periodSeconds(_ period: QuotaPeriod, resetsAt: Int64) -> Int64 {
        switch period {
        case .day: return 86_400
        case .week: return 604_800
        case .month:
            let last = CivilDate(daysSinceEpoch: Int((resetsAt - 1) / 86_400))
            return Int64(CivilDate.daysIn(month: last.month, year: last.year)) * 86_400
        }
    }
}
