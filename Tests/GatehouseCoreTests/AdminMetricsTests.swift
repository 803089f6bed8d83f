import Prometheus
import Testing

@testable import GatehouseCore

/// `/metrics` carries every family of contract section 5, with the contract's labels and the right counts.
@Suite(.serialized) struct AdminMetricsTests {
    private static let api = "a1b2c3d4e5"
    private static let route = "GET /users/{id}"

    /// Contract section 5, written out here rather than read from `GatewayMetrics.contractFamilies`: a family
    /// renamed, dropped or relabelled in the product must fail this test, not move its expectation with it.
    private static let contract: [(name: String, type: String, labels: Set<String>)] = [
        ("gatehouse_requests_total", "counter", ["api", "stage", "route", "method", "status"]),
        ("gatehouse_request_duration_seconds", "histogram", ["api", "stage", "route"]),
        ("gatehouse_integration_duration_seconds", "histogram", ["api", "stage", "route"]),
        ("gatehouse_connections_rejected_total", "counter", ["listener", "reason"]),
        ("gatehouse_tls_handshake_failures_total", "counter", ["listener", "reason"]),
        ("gatehouse_auth_failures_total", "counter", ["api", "reason"]),
        ("gatehouse_active_connections", "gauge", ["listener"]),
        ("gatehouse_config_reloads_total", "counter", ["result"]),
        // Section 7.
        ("gatehouse_throttled_requests_total", "counter", ["api", "stage", "limit"]),
        ("gatehouse_quota_remaining", "gauge", ["plan", "consumer"]),
        ("gatehouse_websocket_connections", "gauge", ["api", "stage"]),
    ]

    /// The histogram buckets (seconds) the docs promise: 1 ms to 30 s.
    private static let buckets = [
        "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0",
        "30.0", "+Inf",
    ]

    @Test func freshGatewayAnnouncesEveryFamilyAndTheBaselineSeries() async throws {
        try await AdminTestHarness.with { admin in
            admin.metrics.registerBaseline(listeners: ["https", "internal"])
            let (response, text) = try admin.scrape()

            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            for family in Self.contract {
                #expect(text.types[family.name] == family.type, "\(family.name)")
            }
            #expect(text.value("gatehouse_config_reloads_total", ["result": "success"]) == 0)
            #expect(text.value("gatehouse_config_reloads_total", ["result": "failure"]) == 0)
            #expect(text.value("gatehouse_active_connections", ["listener": "https"]) == 0)
            #expect(text.value("gatehouse_active_connections", ["listener": "internal"]) == 0)
            #expect(text.matching("gatehouse_requests_total").isEmpty)
        }
    }

    @Test func baselineKeepsExistingValues() async throws {
        try await AdminTestHarness.with { admin in
            admin.metrics.activeConnections(listener: "https", count: 3)
            admin.metrics.configReloaded(success: true)
            admin.metrics.registerBaseline(listeners: ["https"])
            let (_, text) = try admin.scrape()
            #expect(text.value("gatehouse_active_connections", ["listener": "https"]) == 3)
            #expect(text.value("gatehouse_config_reloads_total", ["result": "success"]) == 1)
        }
    }

    @Test func everyFamilyCountsWithItsLabels() async throws {
        try await AdminTestHarness.with { admin in
            let metrics = admin.metrics
            let api = Self.api
            let route = Self.route
            for _ in 0..<2 {
                metrics.requestFinished(
                    .sample(
                        api: api, stage: "prod", route: route, status: 200, latencyMilliseconds: 3,
                        integrationMilliseconds: 2))
            }
            metrics.requestFinished(.sample(api: api, stage: "prod", route: nil, status: 404, latencyMilliseconds: 0.5))
            metrics.requestFinished(
                .sample(api: api, stage: "prod", route: route, method: "BREW", status: 403, latencyMilliseconds: 40_000)
            )
            for _ in 0..<3 { metrics.connectionRejected(listener: "https", reason: "source_not_allowed") }
            metrics.handshakeFailed(listener: "https", reason: "no_client_certificate")
            for _ in 0..<2 { metrics.authFailed(apiID: api, reason: "MissingAuthenticationTokenException") }
            metrics.activeConnections(listener: "https", count: 5)
            metrics.configReloaded(success: true)
            metrics.configReloaded(success: false)
            metrics.configReloaded(success: false)
            let throttled = [("api", api), ("stage", "prod"), ("limit", "plan")]
            for _ in 0..<2 { metrics.counter("gatehouse_throttled_requests_total", throttled).increment() }
            metrics.gauge("gatehouse_quota_remaining", [("plan", "gold"), ("consumer", "orders-team")]).record(41)
            for _ in 0..<3 { metrics.websocketOpened(api: api, stage: "prod") }
            metrics.websocketClosed(api: api, stage: "prod")

            let (_, text) = try admin.scrape()
            let routeLabels = ["api": api, "stage": "prod", "route": route]

            #expect(
                text.value("gatehouse_requests_total", routeLabels.merging(["method": "GET", "status": "200"]) { $1 })
                    == 2)
            #expect(
                text.value(
                    "gatehouse_requests_total",
                    ["api": api, "stage": "prod", "route": "none", "method": "GET", "status": "404"]) == 1)
            #expect(
                text.value(
                    "gatehouse_requests_total", routeLabels.merging(["method": "OTHER", "status": "403"]) { $1 }) == 1)
            #expect(text.matching("gatehouse_requests_total").count == 3)

            // 2 × 3 ms and 1 × 40 s on the route: le=0.0025 holds none, le=0.005 the fast two, +Inf all three.
            let durations = "gatehouse_request_duration_seconds"
            #expect(text.value(durations + "_count", routeLabels) == 3)
            #expect(text.value(durations + "_bucket", routeLabels.merging(["le": "0.0025"]) { $1 }) == 0)
            #expect(text.value(durations + "_bucket", routeLabels.merging(["le": "0.005"]) { $1 }) == 2)
            #expect(text.value(durations + "_bucket", routeLabels.merging(["le": "30.0"]) { $1 }) == 2)
            #expect(text.value(durations + "_bucket", routeLabels.merging(["le": "+Inf"]) { $1 }) == 3)
            let sum = try #require(text.value(durations + "_sum", routeLabels))
            #expect(abs(sum - 40.006) < 1e-9)
            let buckets = text.matching(durations + "_bucket", routeLabels).compactMap { $0.labels["le"] }
            #expect(buckets == Self.buckets)

            let integration = "gatehouse_integration_duration_seconds"
            #expect(text.value(integration + "_count", routeLabels) == 2)
            #expect(text.value(integration + "_bucket", routeLabels.merging(["le": "0.0025"]) { $1 }) == 2)
            #expect(text.value(integration + "_bucket", routeLabels.merging(["le": "0.001"]) { $1 }) == 0)
            // A request without an integration (the 404) records no integration time.
            #expect(text.matching(integration + "_count", ["route": "none"]).isEmpty)
            #expect(text.value(durations + "_count", ["api": api, "stage": "prod", "route": "none"]) == 1)

            #expect(
                text.value(
                    "gatehouse_connections_rejected_total", ["listener": "https", "reason": "source_not_allowed"])
                    == 3)
            #expect(
                text.value(
                    "gatehouse_tls_handshake_failures_total", ["listener": "https", "reason": "no_client_certificate"])
                    == 1)
            #expect(
                text.value(
                    "gatehouse_auth_failures_total", ["api": api, "reason": "MissingAuthenticationTokenException"])
                    == 2)
            #expect(text.value("gatehouse_active_connections", ["listener": "https"]) == 5)
            #expect(text.value("gatehouse_config_reloads_total", ["result": "success"]) == 1)
            #expect(text.value("gatehouse_config_reloads_total", ["result": "failure"]) == 2)
            #expect(
                text.value("gatehouse_throttled_requests_total", ["api": api, "stage": "prod", "limit": "plan"]) == 2)
            #expect(text.value("gatehouse_quota_remaining", ["plan": "gold", "consumer": "orders-team"]) == 41)
            #expect(text.value("gatehouse_websocket_connections", ["api": api, "stage": "prod"]) == 2)

            // Every sample carries exactly its family's labels (plus `le` on histogram buckets).
            for family in Self.contract {
                let series = text.samples.filter { $0.name.hasPrefix(family.name) }
                #expect(!series.isEmpty, "\(family.name) has no samples")
                for sample in series {
                    let expected = family.labels.union(sample.name.hasSuffix("_bucket") ? ["le"] : [])
                    #expect(Set(sample.labels.keys) == expected, "\(sample.name) \(sample.labels)")
                }
            }
        }
    }

    @Test func gaugeFollowsTheLatestCount() async throws {
        try await AdminTestHarness.with { admin in
            admin.metrics.activeConnections(listener: "https", count: 7)
            admin.metrics.activeConnections(listener: "https", count: 2)
            let (_, text) = try admin.scrape()
            #expect(text.value("gatehouse_active_connections", ["listener": "https"]) == 2)
        }
    }

    @Test func labelValuesAreEscaped() async throws {
        try await AdminTestHarness.with { admin in
            admin.metrics.authFailed(apiID: "a\"b\\c", reason: "line\nbreak")
            let (_, text) = try admin.scrape()
            #expect(text.value("gatehouse_auth_failures_total", ["api": "a\"b\\c", "reason": "line\nbreak"]) == 1)
        }
    }

    @Test func typedFamiliesFindsEachTypeLine() {
        let text = Array("# TYPE a counter\na 1\n# HELP b x\n# TYPE b_c gauge\nb_c 2\n#TYPE bogus x\n".utf8)
        #expect(MetricsExposition.typedFamilies(in: text) == ["a", "b_c"])
    }

    @Test func announcesOnlyMissingFamilies() {
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
        metrics.configReloaded(success: true)
        let exposition = MetricsExposition(registry: registry, declaredFamilies: GatewayMetrics.contractFamilies)
        let body = String(decoding: exposition.render(), as: UTF8.self)
        let typeLines = body.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(typeLines.count == Self.contract.count)
        #expect(typeLines.filter { $0.hasPrefix("# TYPE gatehouse_config_reloads_total ") }.count == 1)
        #expect(body.contains("gatehouse_config_reloads_total{result=\"success\"} 1\n"))
    }
}
