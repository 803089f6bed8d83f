import GatehouseConfig
import NIOCore

/// The per-event-loop upstream pools of one server, created up front so lookup needs no lock.
final class UpstreamPools: @unchecked Sendable {
    // Immutable after init; each pool is touched only from its own event loop.
    private let pools: [ObjectIdentifier: UpstreamConnectionPool]
    private let http2Pools: [ObjectIdentifier: HTTP2UpstreamConnections]

    init(group: any EventLoopGroup) {
        var pools: [ObjectIdentifier: UpstreamConnectionPool] = [:]
        var http2Pools: [ObjectIdentifier: HTTP2UpstreamConnections] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = UpstreamConnectionPool(eventLoop: loop)
            http2Pools[ObjectIdentifier(loop)] = HTTP2UpstreamConnections(eventLoop: loop)
        }
        self.pools = pools
        self.http2Pools = http2Pools
    }

    /// The HTTP/2 upstream connections of `eventLoop`.
    func http2(for eventLoop: any EventLoop) -> HTTP2UpstreamConnections {
        http2Pools[ObjectIdentifier(eventLoop)]!
    }

    func pool(for eventLoop: any EventLoop) -> UpstreamConnectionPool {
        pools[ObjectIdentifier(eventLoop)]!
    }

    /// After a reload: every loop's pools close their connections to upstreams the configuration no longer names
    /// (`UpstreamConnectionPool.retain(only:)`, `HTTP2UpstreamConnections.retain(only:)`).
    func retain(only upstreams: Set<Upstream>) async {
        for pool in pools.values {
            try? await pool.eventLoop.submit { pool.retain(only: upstreams) }.get()
        }
        for pool in http2Pools.values {
            try? await pool.eventLoop.submit { pool.retain(only: upstreams) }.get()
        }
    }

    /// Closes every pooled upstream connection; completes when they are closed.
    func closeAll() async {
        for pool in pools.values {
            let closes = try? await pool.eventLoop.submit { pool.closeAll() }.get()
            if let closes { _ = try? await EventLoopFuture.andAllComplete(closes, on: pool.eventLoop).get() }
        }
        for pool in http2Pools.values {
            let closes = try? await pool.eventLoop.submit { pool.closeAll() }.get()
            if let closes { _ = try? await EventLoopFuture.andAllComplete(closes, on: pool.eventLoop).get() }
        }
    }
}
