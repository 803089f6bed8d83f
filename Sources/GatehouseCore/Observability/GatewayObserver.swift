import Logging

/// Where the gateway reports what happens: access records, rejected connections and handshakes, auth
/// failures. One instance per server, passed in; it owns the logger and the metric handles.
public final class GatewayObserver: Sendable {
    public let logger: Logger
    public let metrics: GatewayMetrics
    public let accessLog: AccessLog

    /// - Parameter accessLog: where access records go; through `logger` unless given.
    public init(logger: Logger, metrics: GatewayMetrics, accessLog: AccessLog? = nil) {
        self.logger = logger
        self.metrics = metrics
        self.accessLog = accessLog ?? .logger(logger)
    }

    func requestFinished(_ record: AccessRecord) {
        accessLog.write(record)
        metrics.requestFinished(record)
    }

    func connectionRejected(listener: String, sourceIP: String, reason: String) {
        logger.notice(
            "connection from \(sourceIP) rejected on \(listener): \(reason)",
            metadata: [
                "GATEHOUSE_EVENT": "connection_rejected", "SOURCE_IP": .string(sourceIP),
                "REASON": .string(reason), "LISTENER": .string(listener),
            ])
        metrics.connectionRejected(listener: listener, reason: reason)
    }

    func handshakeRejected(listener: String, sourceIP: String, reason: String, detail: String) {
        logger.notice(
            "TLS handshake from \(sourceIP) rejected on \(listener): \(detail)",
            metadata: [
                "GATEHOUSE_EVENT": "tls_rejected", "SOURCE_IP": .string(sourceIP), "REASON": .string(reason),
                "LISTENER": .string(listener),
            ])
        metrics.handshakeFailed(listener: listener, reason: reason)
    }

    /// An HTTP/2 connection cut off with GOAWAY ENHANCE_YOUR_CALM (`reason`: which flood).
    func http2Flood(listener: String, sourceIP: String, reason: String) {
        logger.notice(
            "HTTP/2 connection from \(sourceIP) on \(listener) closed: \(reason)",
            metadata: [
                "GATEHOUSE_EVENT": "http2_flood", "SOURCE_IP": .string(sourceIP), "REASON": .string(reason),
                "LISTENER": .string(listener),
            ])
        metrics.http2Flood(listener: listener, reason: reason)
    }

    func authenticationFailed(apiID: String, reason: String) {
        metrics.authFailed(apiID: apiID, reason: reason)
    }
}
