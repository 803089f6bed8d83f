import CoreMetrics
import Prometheus

/// How the gateway's metric families map onto swift-prometheus, and which series exist from the first scrape.
extension GatewayMetrics {
    /// Histogram buckets for `gatehouse_request_duration_seconds` and `gatehouse_integration_duration_seconds`:
    /// from 1 ms (a MOCK route or a local upstream) to 30 s (API Gateway's 29 s integration ceiling, the default
    /// `drain_timeout`). swift-prometheus's default stops at 10 s, which would hide slow integrations in `+Inf`.
    public static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// The families the contract (section 5) requires on `/metrics`, with their label names.
    public static let contractFamilies: [MetricFamilyDeclaration] = [
        .init(
            name: "gatehouse_requests_total", kind: .counter, labels: ["api", "stage", "route", "method", "status"]),
        .init(name: "gatehouse_request_duration_seconds", kind: .histogram, labels: ["api", "stage", "route"]),
        .init(name: "gatehouse_integration_duration_seconds", kind: .histogram, labels: ["api", "stage", "route"]),
        .init(name: "gatehouse_connections_rejected_total", kind: .counter, labels: ["listener", "reason"]),
        .init(name: "gatehouse_tls_handshake_failures_total", kind: .counter, labels: ["listener", "reason"]),
        .init(name: "gatehouse_auth_failures_total", kind: .counter, labels: ["api", "reason"]),
        .init(name: "gatehouse_active_connections", kind: .gauge, labels: ["listener"]),
        .init(name: "gatehouse_config_reloads_total", kind: .counter, labels: ["result"]),
        // Section 7: usage plans.
        .init(name: "gatehouse_throttled_requests_total", kind: .counter, labels: ["api", "stage", "limit"]),
        .init(name: "gatehouse_quota_remaining", kind: .gauge, labels: ["plan", "consumer"]),
        .init(name: "gatehouse_websocket_connections", kind: .gauge, labels: ["api", "stage"]),
    ]

    /// The swift-metrics factory to build `GatewayMetrics` on when `/metrics` is served from `registry`: Timers
    /// become Prometheus histograms in seconds with `durationBuckets`.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        factory.durationHistogramBuckets = [
            "gatehouse_request_duration_seconds": durationBuckets,
            "gatehouse_integration_duration_seconds": durationBuckets,
        ]
        return factory
    }

    /// Creates the series whose label values are known before any traffic, at zero: `gatehouse_active_connections`
    /// for each data listener and `gatehouse_config_reloads_total` for both results. A series that appears only
    /// with its first event makes `rate()` and `increase()` miss that event and alerts on absence misfire; these
    /// are the ones an operator alerts on. Idempotent and non-destructive: existing values are kept, so it is safe
    /// to call again after a reload that adds listeners.
    public func registerBaseline(listeners: [String]) {
        for listener in listeners {
            _ = gauge("gatehouse_active_connections", [("listener", listener)])
        }
        _ = counter("gatehouse_config_reloads_total", [("result", "success")])
        _ = counter("gatehouse_config_reloads_total", [("result", "failure")])
    }
}
