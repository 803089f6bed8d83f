import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import GatehouseCore

/// The lazily re-armed deadline behind the header, idle and integration timeouts, on a real event loop.
@Suite struct LazyDeadlineTimerTests {
    /// Runs `body` on a loop with a timer whose expiries are counted; returns the count after `wait`.
    private func expiries(
        after wait: TimeAmount, _ body: @escaping @Sendable (LazyDeadlineTimer) -> Void
    ) throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let count = NIOLockedValueBox(0)
        let timer = try loop.submit {
            let timer = LazyDeadlineTimer(eventLoop: loop) { count.withLockedValue { $0 += 1 } }
            body(timer)
            return NIOLoopBound(timer, eventLoop: loop)
        }.wait()
        try loop.scheduleTask(in: wait) {}.futureResult.wait()
        _ = timer
        return count.withLockedValue { $0 }
    }

    @Test func expiresOnceAtTheDeadline() throws {
        #expect(try expiries(after: .milliseconds(300)) { $0.set(in: .milliseconds(50)) } == 1)
        #expect(try expiries(after: .milliseconds(20)) { $0.set(in: .milliseconds(200)) } == 0)
    }

    @Test func aMovedDeadlineIsHonouredNotTheFirstOne() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let firedAt = NIOLockedValueBox<NIODeadline?>(nil)
        let start = NIODeadline.now()
        let bound = try loop.submit {
            let timer = LazyDeadlineTimer(eventLoop: loop) { firedAt.withLockedValue { $0 = .now() } }
            timer.set(in: .milliseconds(100))
            return NIOLoopBound(timer, eventLoop: loop)
        }.wait()
        // Moved at 60 ms to 60 + 150 ms: the task scheduled for 100 ms must wait again.
        try loop.scheduleTask(in: .milliseconds(60)) { bound.value.set(in: .milliseconds(150)) }.futureResult.wait()
        try loop.scheduleTask(in: .milliseconds(80)) {}.futureResult.wait()
        #expect(firedAt.withLockedValue { $0 } == nil, "fired at the first deadline although it moved")
        try loop.scheduleTask(in: .milliseconds(300)) {}.futureResult.wait()
        let fired = try #require(firedAt.withLockedValue { $0 })
        #expect(fired - start >= .milliseconds(200))
    }

    @Test func clearedOrCancelledNeverExpires() throws {
        #expect(
            try expiries(after: .milliseconds(200)) { timer in
                timer.set(in: .milliseconds(50))
                timer.clear()
            } == 0)
        #expect(
            try expiries(after: .milliseconds(200)) { timer in
                timer.set(in: .milliseconds(50))
                timer.cancel()
            } == 0)
    }

    @Test func anEarlierDeadlineIsScheduledEarlier() throws {
        #expect(
            try expiries(after: .milliseconds(150)) { timer in
                timer.set(in: .seconds(60))
                timer.set(in: .milliseconds(30))
            } == 1)
    }
}
