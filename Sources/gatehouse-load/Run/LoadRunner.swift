import NIOCore
import NIOPosix

/// Drives a whole run: starts the event loops, spreads workers over them, times the measured phase and merges the
/// per-loop statistics into one report.
struct LoadRunner: Sendable {
    let settings: WorkerSettings
    let threads: Int
    /// What the report calls the target (the URL as given).
    let targetDescription: String

    /// Runs `connections` closed-loop workers for `duration` (or until the `-n` budget is spent, whichever comes
    /// first). Keep-alive connections are opened before the clock starts.
    func run(connections: Int, duration: TimeAmount) async throws -> LoadReport {
        try await withEventLoops { group in
            try await run(on: group, connections: connections, duration: duration)
        }
    }

    /// Opens `count` connections, `concurrency` at a time, and holds them idle for `duration`.
    ///
    /// - Parameter onHeld: called with the number of established connections once all were attempted, before the
    ///   hold starts (the benchmark measures the server's memory then).
    func hold(
        count: Int,
        concurrency: Int,
        duration: TimeAmount,
        sendRequest: Bool,
        onHeld: @Sendable (Int) throws -> Void
    ) async throws -> LoadReport {
        try await withEventLoops { group in
            try await hold(
                on: group, count: count, concurrency: concurrency, duration: duration, sendRequest: sendRequest,
                onHeld: onHeld)
        }
    }

    /// Runs `body` on a fresh event-loop group that is shut down afterwards, whether `body` succeeded or threw.
    private func withEventLoops(
        _ body: (MultiThreadedEventLoopGroup) async throws -> LoadReport
    ) async throws -> LoadReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            let report = try await body(group)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private struct PreparedWorker: Sendable {
        let worker: NIOLoopBound<LoadWorker>
        let failure: String?
    }

    private func run(
        on group: MultiThreadedEventLoopGroup,
        connections: Int,
        duration: TimeAmount
    ) async throws -> LoadReport {
        let loops = Array(group.makeIterator())
        let stats = try await Self.makeStats(on: loops)
        let settings = self.settings

        var preparing: [EventLoopFuture<PreparedWorker>] = []
        for index in 0..<connections {
            let loop = loops[index % loops.count]
            let loopStats = stats[index % loops.count]
            preparing.append(
                loop.flatSubmit {
                    let worker = LoadWorker(eventLoop: loop, settings: settings, stats: loopStats.value)
                    return worker.prepare().assumeIsolated().map { failure in
                        PreparedWorker(worker: NIOLoopBound(worker, eventLoop: loop), failure: failure)
                    }.nonisolated()
                }
            )
        }
        var workers: [NIOLoopBound<LoadWorker>] = []
        var failures: [String] = []
        for future in preparing {
            let prepared = try await future.get()
            workers.append(prepared.worker)
            if let failure = prepared.failure {
                failures.append(failure)
            }
        }
        if settings.keepAlive && failures.count == connections {
            throw LoadError.noConnection(failures[0])
        }

        let start = NIODeadline.now()
        let deadline = start + duration
        var running: [EventLoopFuture<Void>] = []
        for worker in workers {
            running.append(worker.eventLoop.flatSubmit { worker.value.run(until: deadline) })
        }
        for future in running {
            try await future.get()
        }
        let elapsed = NIODeadline.now() - start

        return LoadReport(
            target: targetDescription,
            mode: settings.keepAlive ? "keep-alive" : "new-connection",
            connections: connections,
            threads: loops.count,
            elapsedSeconds: Self.seconds(elapsed),
            stats: try await Self.collect(stats)
        )
    }

    private func hold(
        on group: MultiThreadedEventLoopGroup,
        count: Int,
        concurrency: Int,
        duration: TimeAmount,
        sendRequest: Bool,
        onHeld: @Sendable (Int) throws -> Void
    ) async throws -> LoadReport {
        let loops = Array(group.makeIterator())
        let stats = try await Self.makeStats(on: loops)
        let settings = self.settings
        let workerCount = min(concurrency, count)

        let start = NIODeadline.now()
        var opening: [EventLoopFuture<NIOLoopBound<HoldWorker>>] = []
        for index in 0..<workerCount {
            let share = count / workerCount + (index < count % workerCount ? 1 : 0)
            let loop = loops[index % loops.count]
            let loopStats = stats[index % loops.count]
            opening.append(
                loop.flatSubmit {
                    let worker = HoldWorker(
                        eventLoop: loop,
                        settings: settings,
                        stats: loopStats.value,
                        count: share,
                        sendRequest: sendRequest
                    )
                    return worker.open().assumeIsolated().map { NIOLoopBound(worker, eventLoop: loop) }
                        .nonisolated()
                }
            )
        }
        var workers: [NIOLoopBound<HoldWorker>] = []
        for future in opening {
            workers.append(try await future.get())
        }
        let openingElapsed = NIODeadline.now() - start

        var established = 0
        for worker in workers {
            established += try await worker.eventLoop.submit { worker.value.openCount() }.get()
        }
        try onHeld(established)
        try await Task.sleep(for: .nanoseconds(duration.nanoseconds))

        var stillOpen = 0
        for worker in workers {
            stillOpen += try await worker.eventLoop.submit { worker.value.openCount() }.get()
        }
        for worker in workers {
            try await worker.eventLoop.flatSubmit { worker.value.closeAll() }.get()
        }
        let snapshot = try await Self.collect(stats)
        return LoadReport(
            target: targetDescription,
            mode: "hold",
            connections: workerCount,
            threads: loops.count,
            elapsedSeconds: Self.seconds(openingElapsed),
            stats: snapshot,
            hold: LoadReport.Hold(
                requested: count,
                established: snapshot.connectionsOpened,
                stillOpenAtEnd: stillOpen,
                heldSeconds: Self.seconds(duration)
            )
        )
    }

    private static func makeStats(on loops: [any EventLoop]) async throws -> [NIOLoopBound<LoopStats>] {
        var stats: [NIOLoopBound<LoopStats>] = []
        for loop in loops {
            stats.append(try await loop.submit { NIOLoopBound(LoopStats(), eventLoop: loop) }.get())
        }
        return stats
    }

    private static func collect(_ stats: [NIOLoopBound<LoopStats>]) async throws -> StatsSnapshot {
        var merged = StatsSnapshot()
        for loopStats in stats {
            merged.merge(try await loopStats.eventLoop.submit { loopStats.value.snapshot }.get())
        }
        return merged
    }

    private static func seconds(_ amount: TimeAmount) -> Double {
        Double(amount.nanoseconds) / 1e9
    }
}
