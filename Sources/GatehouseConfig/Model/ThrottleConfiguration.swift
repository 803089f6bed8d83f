/// A token bucket (`throttle: {rate, burst, scope}`): `burst` tokens at most, refilled at `rate` per second; each
/// admitted request takes one. Used at gateway, stage, stage route, plan and plan route level (contract section 7).
public struct ThrottleConfiguration: Hashable, Sendable {
    /// Tokens added per second (decimals allowed, as API Gateway's `rateLimit`).
    public let rate: Double
    /// The bucket's size: how many requests may arrive at once.
    public let burst: Int
    public let scope: ThrottleScope
    public let location: SourceLocation

    public init(rate: Double, burst: Int, scope: ThrottleScope = .instance, location: SourceLocation) {
        self.rate = rate
        self.burst = burst
        self.scope = scope
        self.location = location
    }

    /// The gateway-wide default, as API Gateway's account level: 10000 requests per second, bursts of 5000.
    public static func gatewayDefault(file: String) -> ThrottleConfiguration {
        ThrottleConfiguration(rate: 10000, burst: 5000, location: SourceLocation(file: file))
    }
}
