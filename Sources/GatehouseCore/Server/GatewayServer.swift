import IPNetwork
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The data plane: accepts connections on the configured listeners and assembles each connection's pipeline in
/// the contract's order of gates. Configuration is read from the `SnapshotStore` per connection and per request,
/// so a reload takes effect for new connections and requests while established ones keep working.
public final class GatewayServer: Sendable {
    private let store: SnapshotStore
    private let group: any EventLoopGroup
    private let observer: GatewayObserver
    private let pools: UpstreamPools
    /// One quiescing helper per listener: each tracks one server channel and the connections it accepted.
    private let quiescers = NIOLockedValueBox<[ServerQuiescingHelper]>([])
    private let limiters = NIOLockedValueBox<[ConnectionLimiter]>([])
    private let drainSignal = DrainSignal()
    private let revalidation = ClientRevalidation()
    /// Open WebSockets, closed with 1001 when drain's timeout has passed.
    private let websockets = WebSocketRegistry()
    private let heapTrimmer: HeapTrimmer?

    public init(
        store: SnapshotStore, group: any EventLoopGroup, observer: GatewayObserver, heapTrimmer: HeapTrimmer? = nil
    ) {
        self.heapTrimmer = heapTrimmer
        self.store = store
        self.group = group
        self.observer = observer
        self.pools = UpstreamPools(group: group)
    }

    /// Starts one data listener; returns its bound channel (for the actual address when port 0 was asked).
    public func startListener(name: String, socket: ListenerSocket) async throws -> Channel {
        let limiter = ConnectionLimiter(limit: store.current.limits.maxConnections, heapTrimmer: heapTrimmer)
        let quiesce = ServerQuiescingHelper(group: group)
        quiescers.withLockedValue { $0.append(quiesce) }
        limiters.withLockedValue { $0.append(limiter) }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    limiter.attach(serverChannel: channel)
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { [self] channel in
                self.initializeConnection(channel, listenerName: name, limiter: limiter)
            }
        let channel: Channel
        switch socket {
        case .bind(let address):
            channel = try await bootstrap.bind(to: address).get()
        case .inherited(let descriptor):
            channel = try await bootstrap.withBoundSocket(descriptor).get()
        }
        return channel
    }

    /// Gate 1 (`Admission`) is decided here, before any TLS handler exists; then TLS and the connection's handler.
    /// Behind a PROXY-protocol listener the TCP peer must be a trusted proxy, and admission applies to the client
    /// address its header carries.
    private func initializeConnection(_ channel: Channel, listenerName: String, limiter: ConnectionLimiter)
        -> EventLoopFuture<Void>
    {
        let snapshot = store.current
        let observer = self.observer
        guard let listener = snapshot.listeners[listenerName] else {
            return channel.eventLoop.makeFailedFuture(AdmissionRefused())
        }
        let admission = Admission(listener: listener)
        let peer = channel.remoteAddress?.ipAddress.flatMap({ IPAddress($0) })
        let verdict = admission.atAccept(peer: peer)
        if case .refuse = verdict, peer == nil {
            refused(verdict, listener: listenerName)
            return channel.eventLoop.makeFailedFuture(AdmissionRefused())
        }
        limiter.track(channel) { count in observer.metrics.activeConnections(listener: listenerName, count: count) }
        switch verdict {
        case .refuse:
            refused(verdict, listener: listenerName)
            return channel.eventLoop.makeFailedFuture(AdmissionRefused())
        case .admit(let source):
            return channel.eventLoop.makeCompletedFuture {
                try self.installPipeline(on: channel, listener: listener, source: source, snapshot: snapshot)
            }
        case .readProxyHeader:
            guard let peer else { return channel.eventLoop.makeFailedFuture(AdmissionRefused()) }
            return channel.eventLoop.makeCompletedFuture {
                // `header_timeout` covers the wait for the PROXY header; the connection's handler takes over then.
                let headerDeadline = channel.eventLoop.scheduleTask(in: snapshot.limits.headerTimeout) {
                    channel.close(promise: nil)
                }
                let handler = ProxyProtocolHandler(
                    onSource: { carried, context in
                        headerDeadline.cancel()
                        let verdict = admission.afterProxyHeader(carrying: carried, peer: peer)
                        guard case .admit(let source) = verdict else {
                            self.refused(verdict, listener: listenerName)
                            return false
                        }
                        do {
                            try self.installPipeline(
                                on: context.channel, listener: listener, source: source, snapshot: snapshot)
                            return true
                        } catch {
                            return false
                        }
                    },
                    onInvalid: { reason in
                        self.refused(admission.invalidProxyHeader(peer: peer), listener: listenerName)
                        observer.logger.debug("PROXY header from \(peer): \(reason)")
                    })
                try channel.pipeline.syncOperations.addHandler(handler)
            }
        }
    }

    /// Logs and counts a refused connection (`connection_rejected`).
    private func refused(_ verdict: Admission.Verdict, listener: String) {
        guard case .refuse(let reason, let source) = verdict else { return }
        observer.connectionRejected(listener: listener, sourceIP: source, reason: reason)
    }

    private func installPipeline(
        on channel: Channel, listener: ListenerRuntime, source: IPAddress, snapshot: GatewaySnapshot
    ) throws {
        let observer = self.observer
        let connection = ConnectionState(
            listener: listener.name, sourceIP: source, network: snapshot.network(for: source))
        revalidation.track(connection, closeFuture: channel.closeFuture)
        let verifier = ClientCertificateVerifier(
            snapshot: snapshot, store: store, connection: connection, observer: observer)
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(
            TLSServerHandler(context: listener.tlsContext) { chain, promise in
                verifier.verify(chainDER: chain, promise: promise)
            })
        try sync.addHandler(
            ClientIdentityGate(connection: connection, snapshot: snapshot, store: store, observer: observer))
        // After the handshake, ALPN decides. HTTP/1.1: one handler decodes requests (Gatehouse's own strict decoder),
        // runs the connection's state machine and its timers, and writes responses as bytes (`ResponseHeadWriter`):
        // no HTTP codec handlers. HTTP/2: NIOHTTP2 with one `HTTP2StreamHandler` per stream.
        let http2 = HTTP2ConnectionPipeline.Dependencies(
            store: store, connection: connection, pools: pools, observer: observer, limits: snapshot.limits,
            drainTimeout: .seconds(Int64(snapshot.drainTimeout)), websockets: websockets)
        // `header_timeout` counts from the accept: the handshake and the first head share it.
        let firstHeadDeadline = NIODeadline.now() + snapshot.limits.headerTimeout
        let http1 = { [store, pools, drainSignal, websockets] in
            HTTP1ConnectionHandler(
                store: store, connection: connection, pools: pools, observer: observer, limits: snapshot.limits,
                drainSignal: drainSignal, websockets: websockets, firstHeadDeadline: firstHeadDeadline)
        }
        try sync.addHandler(
            ProtocolSelectionHandler(handshakeTimeout: snapshot.limits.headerTimeout) { selected, channel in
                switch selected {
                case .http1: try channel.pipeline.syncOperations.addHandler(http1())
                case .http2: try HTTP2ConnectionPipeline.install(on: channel, http2)
                }
            })
    }

    /// After a reload: marks the established connections whose client certificate fails `snapshot`'s policy, so
    /// each is closed once its current request is answered, and closes their WebSockets (1008). Returns how many
    /// were marked.
    @discardableResult
    public func revalidateClients(against snapshot: GatewaySnapshot) async -> Int {
        let revoked = await revalidation.revalidate(against: snapshot)
        if revoked > 0 { websockets.closeRevoked() }
        return revoked
    }

    /// After a reload: pooled upstream connections to upstreams `snapshot` no longer names are closed (and any such
    /// connection released later by an exchange admitted before the reload).
    public func retireUpstreams(notIn snapshot: GatewaySnapshot) async {
        await pools.retain(only: snapshot.upstreams)
    }

    /// Drain: stop accepting, let connections finish their current request (idle keep-alive connections close
    /// at once), and complete when every connection has closed or the timeout has passed.
    public func drain(timeout: TimeAmount) async {
        drainSignal.begin()
        // Stop accepting first and give connections accepted a moment ago time to finish their set-up: closing the
        // listener under an accept in progress resets that client.
        for limiter in limiters.withLockedValue({ $0 }) { await limiter.stopAccepting() }
        try? await Task.sleep(for: .milliseconds(100))
        let loop = group.next()
        let promises = quiescers.withLockedValue { helpers in
            helpers.map { helper in
                let promise = loop.makePromise(of: Void.self)
                helper.initiateShutdown(promise: promise)
                return promise
            }
        }
        let all = EventLoopFuture.andAllComplete(promises.map(\.futureResult), on: loop)
        let deadline = loop.makePromise(of: Void.self)
        all.cascade(to: deadline)
        let timer = loop.scheduleTask(in: timeout) { deadline.succeed() }
        try? await deadline.futureResult.get()
        timer.cancel()
        // WebSockets have no current request to finish: past the timeout, each gets a close frame (1001).
        await websockets.closeAll()
        await pools.closeAll()
    }
}

struct AdmissionRefused: Error {}
