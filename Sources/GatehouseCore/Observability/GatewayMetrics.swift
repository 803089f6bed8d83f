import CoreMetrics
import NIOConcurrencyHelpers

/// The contract's metric families. Handles are created once per label set and cached, so the per-request cost
/// is a dictionary lookup; label values are bounded (route keys and configured names, never raw paths).
public final class GatewayMetrics: Sendable {
    private let factory: any MetricsFactory
    private let counters = NIOLockedValueBox<[String: Counter]>([:])
    private let timers = NIOLockedValueBox<[String: Timer]>([:])
    private let gauges = NIOLockedValueBox<[String: Gauge]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// The handles a finished request touches, found with one key and one lock. The integration histogram is made
    /// on first use, so routes that never call an integration (MOCK, rejections) do not export an empty one.
    private struct RequestHandles {
        let requests: Counter
        let duration: Timer
        var integrationDuration: Timer?
    }

    /// A finished request's label values, as the cache's key: hashed field by field, no joined string made.
    private struct RequestKey: Hashable {
        let api: String
        let stage: String
        let route: String
        let method: String
        let status: Int
    }

    private let requestHandles = NIOLockedValueBox<[RequestKey: RequestHandles]>([:])

    func requestFinished(_ record: AccessRecord) {
        let api = record.apiID ?? "none"
        let stage = record.stage ?? "none"
        let route = record.routeKey ?? "none"
        let method = GatewayMetrics.boundedMethod(record.method)
        let key = RequestKey(api: api, stage: stage, route: route, method: method, status: record.status)
        let needsIntegration = record.integrationLatencyMilliseconds != nil
        let handles = requestHandles.withLockedValue { cache in
            if let cached = cache[key], !needsIntegration || cached.integrationDuration != nil {
                return cached
            }
            let status = String(record.status)
            let routeDimensions = [("api", api), ("stage", stage), ("route", route)]
            var handles =
                cache[key]
                ?? RequestHandles(
                    requests: counter(
                        "gatehouse_requests_total", routeDimensions + [("method", method), ("status", status)]),
                    duration: timer("gatehouse_request_duration_seconds", routeDimensions))
            if needsIntegration {
                handles.integrationDuration = timer("gatehouse_integration_duration_seconds", routeDimensions)
            }
            cache[key] = handles
            return handles
        }
        handles.requests.increment()
        handles.duration.recordNanoseconds(Int64(record.latencyMilliseconds * 1_000_000))
        if let integration = record.integrationLatencyMilliseconds {
            handles.integrationDuration?.recordNanoseconds(Int64(integration * 1_000_000))
        }
    }

    func connectionRejected(listener: String, reason: String) {
        counter("gatehouse_connections_rejected_total", [("listener", listener), ("reason", reason)]).increment()
    }

    func handshakeFailed(listener: String, reason: String) {
        counter("gatehouse_tls_handshake_failures_total", [("listener", listener), ("reason", reason)]).increment()
    }

    func http2Flood(listener: String, reason: String) {
        counter("gatehouse_http2_floods_total", [("listener", listener), ("reason", reason)]).increment()
    }

    func authFailed(apiID: String, reason: String) {
        counter("gatehouse_auth_failures_total", [("api", apiID), ("reason", reason)]).increment()
    }

    func activeConnections(listener: String, count: Int) {
        gauge("gatehouse_active_connections", [("listener", listener)]).record(count)
    }

    private let websockets = NIOLockedValueBox<[String: Int]>([:])

    /// `gatehouse_websocket_connections{api,stage}`: WebSockets open now (after the upstream's 101, until both
    /// connections closed).
    func websocketOpened(api: String, stage: String) {
        websocketCount(api: api, stage: stage, change: 1)
    }

    func websocketClosed(api: String, stage: String) {
        websocketCount(api: api, stage: stage, change: -1)
    }

    private func websocketCount(api: String, stage: String, change: Int) {
        let dimensions = [("api", api), ("stage", stage)]
        let key = GatewayMetrics.key("gatehouse_websocket_connections", dimensions)
        let gauge = gauge("gatehouse_websocket_connections", dimensions)
        websockets.withLockedValue { counts in
            counts[key, default: 0] += change
            gauge.record(counts[key]!)
        }
    }

    /// Counts a configuration reload by result (`success` / `failure`).
    public func configReloaded(success: Bool) {
        counter("gatehouse_config_reloads_total", [("result", success ? "success" : "failure")]).increment()
    }

    /// The method as a label value: the seven usual ones as they are, anything else `OTHER` (a bounded label set).
    /// A `switch` of small-string comparisons, cheaper per request than hashing into a set.
    static func boundedMethod(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS": return method
        default: return "OTHER"
        }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        var key = label
        for (name, value) in dimensions {
            key += "\u{0}" + name + "=" + value
        }
        return key
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        cached(in: counters, label, dimensions) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        cached(in: timers, label, dimensions) {
            Timer(label: label, dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        }
    }

    func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        cached(in: gauges, label, dimensions) { Gauge(label: label, dimensions: dimensions, factory: factory) }
    }

    /// The handle for a label set, made once.
    private func cached<Handle>(
        in cache: NIOLockedValueBox<[String: Handle]>, _ label: String, _ dimensions: [(String, String)],
        make: () -> Handle
    ) -> Handle {
        let key = GatewayMetrics.key(label, dimensions)
        return cache.withLockedValue { handles in
            if let existing = handles[key] { return existing }
            let made = make()
            handles[key] = made
            return made
        }
    }
}
