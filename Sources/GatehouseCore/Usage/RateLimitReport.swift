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
        self.policy = Self.item(level, "q", max(0, quota), "w", max(1, window))
        self.value = Self.item(level, "r", max(0, remaining), "t", max(0, reset))
    }

    /// `"LEVEL";A=1;B=2`, written into one allocation (this runs for every answer on a plan's routes).
    static func item(
        _ level: ThrottleLevel, _ first: Unicode.Scalar, _ one: Int64, _ second: Unicode.Scalar, _ two: Int64
    )
        -> String
    {
        let name = level.rawValue.utf8
        return String(unsafeUninitializedCapacity: name.count + 2 + 2 * 23) { buffer in
            var index = 0
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            func putDecimal(_ value: Int64) {
                let magnitude = value.magnitude
                var digits = 1
                var rest = magnitude / 10
                while rest > 0 {
                    digits += 1
                    rest /= 10
                }
                var position = index + digits - 1
                rest = magnitude
                repeat {
                    buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                    position -= 1
                } while rest > 0
                index += digits
            }
            put(UInt8(ascii: "\""))
            for byte in name { put(byte) }
            put(UInt8(ascii: "\""))
            put(UInt8(ascii: ";"))
            put(UInt8(first.value))
            put(UInt8(ascii: "="))
            putDecimal(one)
            put(UInt8(ascii: ";"))
            put(UInt8(second.value))
            put(UInt8(ascii: "="))
            putDecimal(two)
            return index
        }
    }
}
