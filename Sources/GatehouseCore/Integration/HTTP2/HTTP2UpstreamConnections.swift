import GatehouseConfig
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

/// One multiplexed HTTP/2 connection per HTTP/2 upstream (`h2c://`, `h2://`) and event loop: every call to that
/// upstream from this loop is a stream on it, so a gRPC client's calls share a connection as they would talking to
/// the upstream directly, and no stream hops threads. Made on first use; callers that arrive while it connects wait
/// for it; dropped when it closes, sends GOAWAY, or refuses a new stream, and made again on the next call.
final class HTTP2UpstreamConnections: @unchecked Sendable {  // confined to `eventLoop`, checked by preconditions
    let eventLoop: any EventLoop
    /// An upstream as reached: its address and the CA file its certificate is checked against.
    private struct Key: Hashable {
        let upstream: Upstream
        let caPath: String?
    }

    private var ready: [Key: Channel] = [:]
    private var waiting: [Key: [(Result<Channel, any Error>) -> Void]] = [:]
    /// The upstreams the configuration names, set by each reload (`retain(only:)`); nil before the first, when every
    /// upstream is.
    private var wanted: Set<Upstream>?
    /// Calls open on each connection (by its channel's identity), from the stream's creation to its close: a
    /// connection to an upstream a reload dropped closes once its last call has ended.
    private var openCalls: [ObjectIdentifier: Int] = [:]
    /// Connections to upstreams a reload dropped that still carry calls: each closes when its last one ends.
    private var retiring: Set<ObjectIdentifier> = []

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// A new stream to `upstream` (its channel carries `HTTP2Frame.FramePayload`), on the pooled connection or on a
    /// new one. A pooled connection that refuses the stream is dropped and one new connection is tried.
    func openStream(
        to upstream: Upstream, tls: NIOSSLContext?, caPath: String?, timeout: TimeAmount,
        _ done: @escaping (Result<Channel, any Error>) -> Void
    ) {
        eventLoop.preconditionInEventLoop()
        let upstream = Key(upstream: upstream, caPath: caPath)
        if let connection = ready[upstream], connection.isActive {
            stream(on: connection) { result in
                if case .failure = result {
                    if self.ready[upstream] === connection { self.ready[upstream] = nil }
                    self.connection(to: upstream, tls: tls, timeout: timeout) { connected in
                        switch connected {
                        case .success(let fresh): self.stream(on: fresh, done)
                        case .failure(let error): done(.failure(error))
                        }
                    }
                    return
                }
                done(result)
            }
            return
        }
        connection(to: upstream, tls: tls, timeout: timeout) { connected in
            switch connected {
            case .success(let channel): self.stream(on: channel, done)
            case .failure(let error): done(.failure(error))
            }
        }
    }

    private func stream(on connection: Channel, _ done: @escaping (Result<Channel, any Error>) -> Void) {
        let multiplexer: NIOHTTP2Handler.StreamMultiplexer
        do {
            multiplexer = try connection.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self).syncMultiplexer()
        } catch {
            done(.failure(error))
            return
        }
        multiplexer.createStreamChannel { $0.eventLoop.makeSucceededVoidFuture() }.assumeIsolated().whenComplete {
            result in
            if case .success(let stream) = result { self.callOpened(on: connection, stream: stream) }
            done(result)
        }
    }

    private func callOpened(on connection: Channel, stream: Channel) {
        let id = ObjectIdentifier(connection)
        openCalls[id, default: 0] += 1
        stream.closeFuture.assumeIsolated().whenComplete { _ in
            let left = (self.openCalls[id] ?? 1) - 1
            guard left <= 0 else {
                self.openCalls[id] = left
                return
            }
            self.openCalls[id] = nil
            if self.retiring.remove(id) != nil { connection.close(promise: nil) }
        }
    }

    /// After a reload: the connections to upstreams `upstreams` no longer names take no new call, and close now
    /// when idle or else once their last call (a long gRPC stream, say) has ended. Without this they stayed open
    /// until the upstream closed them, one per dropped upstream and event loop, reload after reload.
    func retain(only upstreams: Set<Upstream>) {
        eventLoop.preconditionInEventLoop()
        wanted = upstreams
        for (key, channel) in ready where !upstreams.contains(key.upstream) {
            ready[key] = nil
            let id = ObjectIdentifier(channel)
            if openCalls[id] == nil {
                channel.close(promise: nil)
            } else {
                retiring.insert(id)
            }
        }
    }

    private func connection(
        to upstream: Key, tls: NIOSSLContext?, timeout: TimeAmount,
        _ done: @escaping (Result<Channel, any Error>) -> Void
    ) {
        if waiting[upstream] != nil {
            waiting[upstream]!.append(done)
            return
        }
        waiting[upstream] = [done]
        connect(upstream.upstream, tls: tls, timeout: timeout).assumeIsolated().whenComplete { result in
            let waiters = self.waiting.removeValue(forKey: upstream) ?? []
            if case .success(let channel) = result {
                let id = ObjectIdentifier(channel)
                if self.wanted?.contains(upstream.upstream) ?? true {
                    self.ready[upstream] = channel
                } else {
                    // Asked for by an exchange admitted before a reload dropped the upstream: it serves the
                    // waiting calls, then closes.
                    self.retiring.insert(id)
                }
                channel.closeFuture.assumeIsolated().whenComplete { _ in
                    if self.ready[upstream] === channel { self.ready[upstream] = nil }
                    self.openCalls[id] = nil
                    self.retiring.remove(id)
                }
                // After the upstream's GOAWAY the next call opens a new connection; this one serves its streams in
                // flight until the upstream closes it.
                try? channel.pipeline.syncOperations.addHandler(
                    HTTP2UpstreamGoAwayWatcher { [weak self] in
                        if self?.ready[upstream] === channel { self?.ready[upstream] = nil }
                    })
            }
            for waiter in waiters { waiter(result) }
        }
    }

    private func connect(_ upstream: Upstream, tls: NIOSSLContext?, timeout: TimeAmount) -> EventLoopFuture<Channel> {
        guard case .http2(let host, let port, let usesTLS) = upstream else {
            return eventLoop.makeFailedFuture(ChannelError.badInterfaceAddressFamily)
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if usesTLS, let tls {
                        // SNI only for names: an IP literal is not a valid server name.
                        let name = (try? SocketAddress(ipAddress: host, port: port)) == nil ? host : nil
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                    }
                    _ = try sync.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: .init(), streamConfiguration: .init(),
                        inboundStreamInitializer: { $0.close() })
                }
            }
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: host, port: port)
    }

    /// Closes every connection (drain); returns the close futures.
    func closeAll() -> [EventLoopFuture<Void>] {
        let closes = ready.values.map { $0.close() }
        ready.removeAll()
        return closes
    }
}
