import NIOCore
import NIOHTTP2

/// The HTTP/2 side of a client connection, installed once ALPN chose `h2`: NIOHTTP2's handler with its inline stream
/// multiplexer (one child channel per stream, each with an `HTTP2StreamHandler`), and its connection management
/// handler for the idle timeout and the graceful GOAWAY on drain.
///
/// Limits (contract section 9): `SETTINGS_MAX_CONCURRENT_STREAMS` is `max_concurrent_streams`,
/// `SETTINGS_MAX_HEADER_LIST_SIZE` is `max_header_bytes`, flow-control windows are bounded (`streamWindow`,
/// `connectionWindow`), and the request bodies its streams buffer by `max_connection_body_bytes` together
/// (`HTTP2BodyBudgetLedger`). Floods end the connection with GOAWAY `ENHANCE_YOUR_CALM`: NIOHTTP2's heuristics recognise
/// rapid reset (more than `max_concurrent_streams` RST_STREAM within a second), PING, SETTINGS and other control
/// frames past `controlFrameLimit` per `controlFrameWindow`, more than one empty DATA frame in a row, more than five
/// CONTINUATION frames for one header block and too many stream errors; `HTTP2FloodGuardHandler`, in front of it,
/// the ones it would answer otherwise (a header block past `max_header_bytes`, HPACK state past the limits).
/// `HTTP2ConnectionEvents`, last, reports every flood and closes a connection NIOHTTP2 ended. Every GOAWAY that ends a
/// connection is followed by a lingering close (`HTTP2LingeringClose`, first after TLS) so the client reads it.
enum HTTP2ConnectionPipeline {
    /// Each stream's receive window: the client may have this much request body in flight per stream.
    static let streamWindow = 256 * 1024
    /// The connection's receive window, shared by its streams.
    static let connectionWindow = 1024 * 1024
    /// PING, SETTINGS, PRIORITY frames a client may send per window before it is a flood.
    static let controlFrameLimit = 200
    static let controlFrameWindow = TimeAmount.seconds(10)

    struct Dependencies: Sendable {
        let store: SnapshotStore
        let connection: ConnectionState
        let pools: UpstreamPools
        let observer: GatewayObserver
        let limits: GatewayLimits
        /// How long streams in flight get once a drain sent GOAWAY.
        let drainTimeout: TimeAmount
        /// Open WebSockets (RFC 8441 streams among them), for drain.
        var websockets = WebSocketRegistry()
    }

    static func connectionConfiguration(_ limits: GatewayLimits) -> NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.maxHeaderBytes),
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindow),
            // RFC 8441: WebSocket over HTTP/2 by extended CONNECT (on `websocket: true` routes).
            HTTP2Setting(parameter: .enableConnectProtocol, value: 1),
        ]
        configuration.targetWindowSize = connectionWindow
        configuration.controlFrameRateLimit.maximumCount = controlFrameLimit
        configuration.controlFrameRateLimit.windowLength = controlFrameWindow
        return configuration
    }

    static func streamConfiguration(_ limits: GatewayLimits) -> NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.targetWindowSize = streamWindow
        // Rapid reset (CVE-2023-44487): more resets within a second than streams may be open at once.
        configuration.streamResetFrameRateLimit.maximumCount = limits.maxConcurrentStreams
        configuration.streamResetFrameRateLimit.windowLength = .seconds(1)
        return configuration
    }

    static func install(on channel: Channel, _ dependencies: Dependencies) throws {
        let limits = dependencies.limits
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(
                maxIdleTime: limits.idleTimeout, maxAge: nil,
                // A WebSocket stream (RFC 8441) gets its close frame (1001) when `drain_timeout` has passed and then
                // `closeGrace` to answer it; the connection must outlive that, not race it.
                maxGraceTime: dependencies.drainTimeout + WebSocketTunnel.closeGrace, keepalive: nil))
        let sync = channel.pipeline.syncOperations
        let observer = dependencies.observer
        let connection = dependencies.connection
        let reportFlood = { (reason: String) in
            observer.http2Flood(listener: connection.listener, sourceIP: connection.sourceIPText, reason: reason)
        }
        // Streams run on their connection's event loop: they share its buffered-body budget there.
        let bodyBudget = NIOLoopBound(
            HTTP2BodyBudgetLedger(limit: limits.maxConnectionBodyBytes), eventLoop: channel.eventLoop)
        let lingeringClose = HTTP2LingeringClose(timeout: limits.lingerTimeout)
        try sync.addHandler(lingeringClose)
        try sync.addHandler(
            HTTP2FloodGuardHandler(
                HTTP2FloodGuard(maxHeaderListSize: limits.maxHeaderBytes, maxHeaderBlockBytes: limits.maxHeaderBytes),
                headerTimeout: limits.headerTimeout, lingeringClose: lingeringClose,
                onFlood: { reportFlood($0.rawValue) }))
        _ = try sync.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: connectionConfiguration(limits),
            streamConfiguration: streamConfiguration(limits), streamDelegate: manager.http2StreamDelegate
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(
                    HTTP2StreamHandler(
                        store: dependencies.store, connection: dependencies.connection, pools: dependencies.pools,
                        observer: dependencies.observer, limits: limits, websockets: dependencies.websockets,
                        bodyBudget: bodyBudget.value))
            }
        }
        try sync.addHandler(manager)
        try sync.addHandler(HTTP2ConnectionEvents(lingeringClose: lingeringClose, onFlood: reportFlood))
        // The manager starts its idle timer on channelActive, which this connection passed before ALPN finished.
        manager.channelActive(context: try sync.context(handler: manager))
    }
}
