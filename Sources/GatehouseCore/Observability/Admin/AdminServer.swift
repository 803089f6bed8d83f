import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization

/// The admin listener: `GET /metrics` (Prometheus text format), `GET /healthz`, `GET /readyz` over plaintext
/// HTTP/1.1. The configuration loader only lets it bind loopback addresses or unix sockets, so it carries no TLS;
/// `AdminLimits` keeps a local client from tying it up: idle connections are cheap (no buffer until bytes arrive),
/// a head must arrive within a short timeout, and at the connection cap the oldest idle connection is closed to
/// admit a new one (`AdminConnections`), so `/healthz` answers whatever number of idle connections is open. It runs on the gateway's event loops but shares nothing
/// with the data plane except the metric registry and `AdminHealth`, so it keeps answering while the data
/// listeners drain — which is exactly when `/readyz` must say 503.
public final class AdminServer: Sendable {
    private let group: any EventLoopGroup
    private let responder: AdminResponder
    private let limits: AdminLimits
    private let listeners = Mutex<[any Channel]>([])
    private let connections: AdminConnections

    /// - Parameters:
    ///   - registry: the registry `GatewayMetrics` writes into (through `GatewayMetrics.prometheusFactory`).
    ///   - health: the lifecycle state `/readyz` reports.
    ///   - declaredFamilies: families announced on `/metrics` before their first sample.
    ///   - usage: the body of `GET /usage` (quota use as JSON), made per request.
    public init(
        group: any EventLoopGroup, registry: PrometheusCollectorRegistry, health: AdminHealth,
        limits: AdminLimits = AdminLimits(),
        declaredFamilies: [MetricFamilyDeclaration] = GatewayMetrics.contractFamilies,
        usage: (@Sendable () -> [UInt8])? = nil
    ) {
        self.group = group
        self.responder = AdminResponder(
            health: health, exposition: MetricsExposition(registry: registry, declaredFamilies: declaredFamilies),
            usage: usage)
        self.limits = limits
        self.connections = AdminConnections(limit: limits.maxConnections)
    }

    /// Starts accepting on `socket` and returns the listening channel (its `localAddress` tells the port when 0
    /// was asked). A unix socket path left over from an earlier run is replaced; a non-socket file there is an
    /// error. Can be called more than once for several admin sockets.
    public func start(socket: ListenerSocket) async throws -> any Channel {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                self.initializeConnection(channel)
            }
        let channel: any Channel
        switch socket {
        case .bind(let address):
            if let path = address.pathname {
                channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            } else {
                channel = try await bootstrap.bind(to: address).get()
            }
        case .inherited(let descriptor):
            channel = try await bootstrap.withBoundSocket(descriptor).get()
        }
        listeners.withLock { $0.append(channel) }
        return channel
    }

    /// Stops accepting and closes every open admin connection. Call last at shutdown, after the data listeners
    /// drained, so `/readyz` answered 503 throughout the drain.
    public func close() async {
        let open = listeners.withLock { channels in
            defer { channels.removeAll() }
            return channels
        }
        for channel in open {
            try? await channel.close()
        }
        for client in connections.all() {
            try? await client.close()
        }
    }

    private func initializeConnection(_ channel: any Channel) -> EventLoopFuture<Void> {
        let connections = self.connections
        guard connections.opened(channel) else {
            return channel.eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)
        }
        channel.closeFuture.whenComplete { _ in connections.closed(channel) }
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldCount = 100
        let limits = self.limits
        let responder = self.responder
        return channel.eventLoop.makeCompletedFuture {
            let timeouts = ConnectionTimeouts(
                channel: channel, headerTimeout: limits.headerTimeout, idleTimeout: limits.idleTimeout)
            timeouts.connectionStarted()
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(InboundActivityHandler(timeouts: timeouts))
            try sync.configureHTTPServerPipeline(
                withPipeliningAssistance: true, withErrorHandling: true, withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: decoderLimits)
            try sync.addHandler(
                AdminRequestHandler(
                    responder: responder, timeouts: timeouts, maxBodyBytes: limits.maxBodyBytes,
                    busy: { busy in connections.setBusy(channel, busy) }))
        }
    }
}
