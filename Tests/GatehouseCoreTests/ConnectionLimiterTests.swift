import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import GatehouseCore

/// The connection count behind `max_connections` and the `active_connections` gauge.
@Suite struct ConnectionLimiterTests {
    @Test func trackCountsAConnectionUntilItsChannelCloses() throws {
        let limiter = ConnectionLimiter(limit: 10)
        let reported = NIOLockedValueBox<[Int]>([])
        let first = EmbeddedChannel()
        let second = EmbeddedChannel()
        limiter.track(first) { count in reported.withLockedValue { $0.append(count) } }
        limiter.track(second) { count in reported.withLockedValue { $0.append(count) } }
        #expect(limiter.activeConnections == 2)
        try first.close().wait()
        first.embeddedEventLoop.run()
        #expect(limiter.activeConnections == 1)
        _ = try second.finish()
        second.embeddedEventLoop.run()
        #expect(limiter.activeConnections == 0)
        #expect(reported.withLockedValue { $0 } == [1, 2, 1, 0])
    }
}
