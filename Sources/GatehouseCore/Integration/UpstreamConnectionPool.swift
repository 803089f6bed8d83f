import GatehouseConfig
import NIOCore
import NIOPosix

/// Keep-alive connections to upstreams, one pool per event loop so a client connection and its upstream
/// connection share a thread and never need locks. Only used from its own event loop.
final class UpstreamConnectionPool: @unchecked Sendable {  // confined to `eventLoop`, checked by preconditions
    let eventLoop: any EventLoop
    /// Idle connections per upstream, most recently used last. A class per upstream, so that taking and returning a
    /// connection changes its list in place instead of copying an array out of the dictionary and back (which
    /// allocated twice per request).
    private final class IdleList {
        var channels: [Channel] = []
    }

    private var idle: [Upstream: IdleList] = [:]
    private let maxIdlePerUpstream: Int
    /// The upstreams the configuration names, set by each reload (`retain(only:)`); nil before the first, when every
    /// upstream is. A connection to any other is closed rather than pooled: nothing would take it again.
    private var wanted: Set<Upstream>?

    init(eventLoop: any EventLoop, maxIdlePerUpstream: Int = 128) {
        self.eventLoop = eventLoop
        self.maxIdlePerUpstream = maxIdlePerUpstream
    }

    /// A live pooled connection, or nil when a new one must be made.
    func takeIdle(_ address: Upstream) -> Channel? {
        eventLoop.preconditionInEventLoop()
        guard let list = idle[address] else { return nil }
        while let channel = list.channels.popLast() {
            if channel.isActive { return channel }
        }
        return nil
    }

    func connect(_ address: Upstream, timeout: TimeAmount) -> EventLoopFuture<Channel> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try UpstreamPipeline.install(on: channel, pool: self, address: address)
                }
            }
        switch address {
        case .http(let host, let port):
            if let socketAddress = try? SocketAddress(ipAddress: host, port: port) {
                return bootstrap.connect(to: socketAddress)
            }
            return bootstrap.connect(host: host, port: port)
        case .unix(let path):
            return bootstrap.connect(unixDomainSocketPath: path)
        case .http2:
            // HTTP/2 upstreams have their own connections (`HTTP2UpstreamConnections`).
            return eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)
        }
    }

    /// Returns a connection after a complete response, when the upstream allows reuse.
    func release(_ channel: Channel, to address: Upstream) {
        eventLoop.preconditionInEventLoop()
        guard wanted?.contains(address) ?? true else {
            // An exchange admitted before a reload dropped its upstream.
            channel.close(promise: nil)
            return
        }
        let list: IdleList
        if let existing = idle[address] {
            list = existing
        } else {
            list = IdleList()
            idle[address] = list
        }
        // A pooled connection that closes leaves its list at once (`forget`), so the list holds live connections
        // without a scan here: calling `isActive` on every idle connection on every release cost about 3 % of a
        // keep-alive request's CPU with 32 pooled connections.
        guard channel.isActive, list.channels.count < maxIdlePerUpstream else {
            channel.close(promise: nil)
            return
        }
        list.channels.append(channel)
    }

    /// A connection closed: if it was waiting in its upstream's list, it leaves it (so neither a dead connection
    /// nor its pipeline stays referenced until the list is next popped down to it).
    func forget(_ channel: Channel, of address: Upstream) {
        eventLoop.preconditionInEventLoop()
        guard let list = idle[address], let index = list.channels.lastIndex(where: { $0 === channel }) else { return }
        list.channels.remove(at: index)
    }

    /// How many idle connections wait for `address` (for tests).
    func idleCount(_ address: Upstream) -> Int {
        idle[address]?.channels.count ?? 0
    }

    /// After a reload: the idle connections to upstreams `upstreams` no longer names are closed and their lists
    /// dropped. Without this they stayed open until the upstream closed them (many never close an idle connection),
    /// one file descriptor or more per dropped upstream and event loop, reload after reload.
    func retain(only upstreams: Set<Upstream>) {
        eventLoop.preconditionInEventLoop()
        wanted = upstreams
        for address in idle.keys where !upstreams.contains(address) {
            if let list = idle.removeValue(forKey: address) {
                for channel in list.channels { channel.close(promise: nil) }
            }
        }
    }

    /// Closes every pooled connection (drain); returns the close futures.
    func closeAll() -> [EventLoopFuture<Void>] {
        let closes = idle.values.flatMap(\.channels).map { $0.close() }
        idle.removeAll()
        return closes
    }
}
