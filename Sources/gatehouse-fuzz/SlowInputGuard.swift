#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fails an input that costs more than a CPU-time budget (the target's, 10 ms unless it says otherwise, or
/// `GATEHOUSE_FUZZ_SLOW_MS` for every target).
///
/// libFuzzer's `-timeout` counts whole seconds, too coarse for "no input is slower than 10 ms". The guard measures
/// the thread's CPU time, not wall time, so a shared machine preempting the process does not fail an input; an
/// input over budget is run twice more and fails only if its fastest run is still over (a page fault or a
/// first-use cache fill is not the input's cost). The first `warmUpRuns` inputs are not timed: they fill the Swift
/// runtime's metadata and protocol-conformance caches.
struct SlowInputGuard: Sendable {
    static let warmUpRuns = 64

    let overrideMilliseconds: Double?

    init(environment: [String: String]) {
        overrideMilliseconds = environment["GATEHOUSE_FUZZ_SLOW_MS"].flatMap { Double($0) }
    }

    /// Runs `input` through `target`; aborts with the measured time when it is over budget.
    func run(_ target: FuzzTarget, _ input: [UInt8], runNumber: Int) {
        let budgetNanoseconds = UInt64(max(overrideMilliseconds ?? target.slowInputMilliseconds, 0) * 1_000_000)
        guard runNumber >= SlowInputGuard.warmUpRuns, budgetNanoseconds > 0 else {
            target.run(input)
            return
        }
        var fastest = SlowInputGuard.cpuTime { target.run(input) }
        var attempt = 1
        while fastest > budgetNanoseconds && attempt < 3 {
            fastest = min(fastest, SlowInputGuard.cpuTime { target.run(input) })
            attempt += 1
        }
        if fastest > budgetNanoseconds {
            FuzzCheck.fail(
                "slow input: \(target.name) took \(fastest / 1000) µs of CPU at best of 3 runs "
                    + "(budget \(budgetNanoseconds / 1000) µs, GATEHOUSE_FUZZ_SLOW_MS), \(input.count) bytes")
        }
    }

    /// The calling thread's CPU time spent in `body`, in nanoseconds.
    static func cpuTime(_ body: () -> Void) -> UInt64 {
        let start = now()
        body()
        return now() &- start
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
