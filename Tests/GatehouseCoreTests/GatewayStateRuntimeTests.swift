import Foundation
import GatehouseConfig
import GatehouseState
import NIOCore
import NIOPosix
import Prometheus
import Testing

@testable import GatehouseCore

/// The gateway's quota state with a real SQLite store behind the real admin listener: store failures reach the
/// metric, `/readyz` and recover; `GET /usage` serves the ledger's counts as JSON.
@Suite(.serialized) struct GatewayStateRuntimeTests {
    static func configuration(folder: String, state: String) throws -> GatewayConfiguration {
        for name in ["server.pem", "server-key.pem", "ca.pem"] {
            try Data("-----BEGIN PLACEHOLDER-----\n".utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        let yaml = """
            region: us-east-1
            account_id: "123456789012"
            listeners:
              - name: https
                bind: 127.0.0.1:8443
                tls: {certificate: server.pem, private_key: server-key.pem, client_ca: ca.pem}
            state:
            \(state)
            """
        switch ConfigurationLoader.load(
            text: yaml, file: folder + "/gatehouse.yaml", baseDirectory: folder, environment: [:])
        {
        case .success(let configuration): return configuration
        case .failure(let problems): throw problems
        }
    }

    @Test func storeFailuresAreCountedShownOnReadyzAndClearedOnRecovery() async throws {
        let folder = NSTemporaryDirectory() + "gatehouse-runtime-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = try Self.configuration(folder: folder, state: "  sqlite: later/state.db\n")
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
        let health = AdminHealth()
        let runtime = try GatewayStateRuntime(
            configuration: configuration, metrics: metrics, health: health, logger: .init(label: "test"))
        let admin = AdminServer(
            group: MultiThreadedEventLoopGroup.singleton, registry: registry, health: health,
            usage: { runtime.usageJSON() })
        let channel = try await admin.start(socket: .bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0)))
        let port = channel.localAddress!.port!
        health.markReady()
        let errorsBefore = try AdminMetricsText(try AdminTestClient(port: port).request("GET", "/metrics").body)
            .value("gatehouse_state_store_errors_total")
        #expect(errorsBefore == 0)

        await runtime.startIfNeeded(configuration)  // the folder is missing: the store cannot be opened
        let readyz = try AdminTestClient(port: port).request("GET", "/readyz")
        #expect(readyz.status == 200)
        #expect(readyz.body.hasPrefix("ready\nstate store unreachable: SQLite \(folder)/later/state.db: "))
        let errors = try AdminMetricsText(try AdminTestClient(port: port).request("GET", "/metrics").body)
            .value("gatehouse_state_store_errors_total")
        #expect((errors ?? 0) >= 1)

        // Open mode counts meanwhile; the count is written once the store can be opened.
        let rule = QuotaRule(limit: 10, period: .day)
        #expect(runtime.quotas.admit(plan: "gold", consumer: "alice", rule: rule, now: Date()).outcome == .admitted)
        try FileManager.default.createDirectory(atPath: folder + "/later", withIntermediateDirectories: true)
        #expect(await runtime.ledger.syncOnce())
        #expect(try AdminTestClient(port: port).request("GET", "/readyz").body == "ready\n")

        let usage = try AdminTestClient(port: port).request("GET", "/usage")
        #expect(usage.status == 200)
        #expect(usage.headers["content-type"] == "application/json")
        let object = try JSONSerialization.jsonObject(with: Data(usage.body.utf8)) as? [String: Any]
        let rows = object?["usage"] as? [[String: Any]]
        #expect(rows?.count == 1)
        #expect(rows?.first?["plan"] as? String == "gold")
        #expect(rows?.first?["consumer"] as? String == "alice")
        #expect(rows?.first?["used"] as? Int == 1)
        await runtime.stop()
        await admin.close()
    }
}
