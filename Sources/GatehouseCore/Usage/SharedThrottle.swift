/// A throttle counted for all callers together (gateway, stage, stage route): its limit from the snapshot, its bucket
/// from ``UsageState`` (kept across reloads while the stage or route exists).
struct SharedThrottle: Sendable {
    let level: ThrottleLevel
    let limit: ThrottleLimit
    let bucket: TokenBucket
}
