import Dispatch

extension RequestExchange {
    /// The usage fields of this exchange's answer (contract section 7), for HTTP/1 and HTTP/2 alike: `RateLimit-Policy`
    /// and `RateLimit` for the tightest limit on every answer of a route where a plan applies — as counted by gate 8,
    /// or looked at without counting for answers refused before it — and `Retry-After` on a 429 from gate 8. Call
    /// once the status is set.
    func forEachUsageField(_ body: (_ name: String, _ value: String) -> Void) {
        if let report = usageReport() {
            body("RateLimit-Policy", report.policy)
            body("RateLimit", report.value)
        }
        if status == 429, let retryAfter = usage?.retryAfter {
            body("Retry-After", String(retryAfter))
        }
    }

    /// Whether Gatehouse's `RateLimit` fields replace an upstream's on this exchange's answer.
    var reportsUsage: Bool {
        usage?.rateLimit != nil || (admitted?.match.route.usage?.planApplies ?? false)
    }

    private func usageReport() -> RateLimitReport? {
        if let report = usage?.rateLimit { return report }
        guard let route = (admitted?.match ?? rejectedMatch)?.route.usage, route.planApplies else { return nil }
        return UsageGate(route: route).peek(clock: UInt64(DispatchTime.now().uptimeNanoseconds))
    }
}
