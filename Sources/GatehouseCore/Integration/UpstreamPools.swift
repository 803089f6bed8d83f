import NIOCore

/// The per-event-loop upstream pools of one server, created up front so lookup needs no lock.
final class UpstreamPools: @unchecked Sendable {
    // Immutable after init; each pool is touched only from its own event loop.
    private let pools: [ObjectIdentifier: UpstreamConnectionPool]

    init(group: any EventLoopGroup) {
        var pools: [ObjectIdentifier: UpstreamConnectionPool] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = UpstreamConnectionPool(eventLoop: loop)
        }
        self.pools = pools
    }

    func pool(for eventLoop: any EventLoop) -> UpstreamConnectionPool {
        pools[ObjectIdentifier(eventLoop)]!
    }

    /// Closes every pooled upstream connection; completes when they are closed.
    func closeAll() async {
        for pool in pools.values {
            let closes = try? await pool.eventLoop.submit { pool.closeAll() }.get()
            if let closes { _ = try? await EventLoopFuture.andAllComplete(closes, on: pool.eventLoop).get() }
        }
    }
}
