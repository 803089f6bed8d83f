import NIOCore
import NIOPosix
import Prometheus

@testable import GatehouseCore

/// An `AdminServer` on 127.0.0.1:0 with its own registry, the `GatewayMetrics` writing into it, and its health.
struct AdminTestHarness {
    let registry: PrometheusCollectorRegistry
    let metrics: GatewayMetrics
    let health: AdminHealth
    let server: AdminServer
    let port: Int

    /// Runs `body` against a fresh admin server and closes the server afterwards, also when `body` throws.
    static func with(
        limits: AdminLimits = AdminLimits(), _ body: (AdminTestHarness) async throws -> Void
    ) async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
        let health = AdminHealth()
        let server = AdminServer(
            group: MultiThreadedEventLoopGroup.singleton, registry: registry, health: health, limits: limits)
        let channel = try await server.start(socket: .bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0)))
        let harness = AdminTestHarness(
            registry: registry, metrics: metrics, health: health, server: server, port: channel.localAddress!.port!)
        do {
            try await body(harness)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    func client(timeoutSeconds: Int = 5) throws -> AdminTestClient {
        try AdminTestClient(port: port, timeoutSeconds: timeoutSeconds)
    }

    /// `GET /metrics` on a new connection, parsed.
    func scrape() throws -> (AdminTestClient.Response, AdminMetricsText) {
        let response = try client().request("GET", "/metrics")
        return (response, try AdminMetricsText(response.body))
    }
}

extension AccessRecord {
    /// A finished request with only what metrics look at filled in.
    static func sample(
        api: String?, stage: String?, route: String?, method: String = "GET", status: Int,
        latencyMilliseconds: Double, integrationMilliseconds: Double? = nil
    ) -> AccessRecord {
        AccessRecord(
            requestID: "00000000-0000-0000-0000-000000000000", sourceIP: "127.0.0.1", sourceVpce: nil,
            clientCertSubject: nil, clientCertURI: nil, principal: nil, apiID: api, stage: stage, routeKey: route,
            method: method, path: "/", status: status, errorType: nil, latencyMilliseconds: latencyMilliseconds,
            integrationLatencyMilliseconds: integrationMilliseconds, responseBytes: 0)
    }
}
