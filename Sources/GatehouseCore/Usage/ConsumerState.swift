import CoreMetrics

/// What gate 8 keeps per consumer of one plan: the plan's bucket, one bucket per throttled route, and the consumer's
/// `gatehouse_quota_remaining` gauge (made on the consumer's first quota check, never per request).
///
/// Guarded by ``UsageState``'s lock, like the buckets it holds.
final class ConsumerState: @unchecked Sendable {
    let planBucket = TokenBucket()
    var routeBuckets: [String: TokenBucket] = [:]
    var quotaGauge: Gauge?

    func routeBucket(_ routeKey: String) -> TokenBucket {
        if let bucket = routeBuckets[routeKey] { return bucket }
        let bucket = TokenBucket()
        routeBuckets[routeKey] = bucket
        return bucket
    }
}
