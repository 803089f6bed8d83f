/// One token bucket's state: the tokens left and when they were last counted. Its size and rate are not stored here
/// but passed in by the snapshot that uses it, so a reload that changes a limit keeps the tokens (clamped to the new
/// size) and a bucket is never rebuilt.
///
/// Mutable and unsynchronised by itself: every read and write happens under ``UsageState``'s lock, which is why it
/// may be shared between event loops (`@unchecked Sendable`).
final class TokenBucket: @unchecked Sendable {
    private var tokens: Double = 0
    private var stamp: UInt64 = 0
    private var started = false

    /// A bucket starts full.
    init() {}

    /// Adds the tokens earned since the last count (at `rate` per second, up to `burst`), and returns what is there.
    /// `now` is a monotonic clock in nanoseconds.
    func refill(rate: Double, burst: Double, now: UInt64) -> Double {
        if !started {
            started = true
            tokens = burst
        } else if now > stamp {
            tokens = Swift.min(burst, tokens + Double(now - stamp) * rate / 1_000_000_000)
        } else {
            tokens = Swift.min(burst, tokens)
        }
        stamp = Swift.max(stamp, now)
        return tokens
    }

    /// Takes the token of one admitted request (after ``refill(rate:burst:now:)`` said there is one).
    func take() {
        tokens -= 1
    }
}
