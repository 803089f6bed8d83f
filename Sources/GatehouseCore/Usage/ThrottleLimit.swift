import GatehouseConfig

/// One configured throttle as gate 8 applies it: its rate and burst, and whether they are this instance's share of a
/// fleet's (`scope: fleet`, divided by the live instance count when the request is checked).
struct ThrottleLimit: Sendable {
    let rate: Double
    let burst: Double
    let fleet: Bool

    init(_ configuration: ThrottleConfiguration) {
        self.rate = configuration.rate
        self.burst = Double(configuration.burst)
        self.fleet = configuration.scope == .fleet
    }

    init(rate: Double, burst: Double, fleet: Bool = false) {
        self.rate = rate
        self.burst = burst
        self.fleet = fleet
    }

    /// The share of one instance among `instances` live ones. The burst's share is never below one token when the
    /// whole burst has one: a bucket smaller than a token would refuse every request for ever (burst 1 among two
    /// instances), so a fleet with fewer tokens than instances may admit up to one request per instance at once.
    func share(of instances: Int) -> (rate: Double, burst: Double) {
        guard fleet, instances > 1 else { return (rate, burst) }
        let burstShare = burst / Double(instances)
        return (rate / Double(instances), burst >= 1 ? Swift.max(1, burstShare) : burstShare)
    }
}
