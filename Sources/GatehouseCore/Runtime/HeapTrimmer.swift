import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Gives the memory of closed connections back to the kernel.
///
/// Mutual-TLS connections allocate and free per-connection memory by the thousand (with NIOSSL's handler, before
/// `TLSServerHandler`, 70 KB each, 48 KB of it record buffers). glibc keeps what closed connections freed, already
/// touched, and hands it to the next ones: after each wave of 10,000 idle connections the resident size climbed (359,
/// 528, 616, 666 MB) though the live heap was the same each time. `malloc_trim(0)` releases free pages inside the heap,
/// so each wave starts from untouched pages again (358 MB every time). A trim walks the heap with its arena locked — up
/// to ~100 ms after 10,000 connections closed, during which an event loop that allocates from that arena waits — so it
/// runs only after `threshold` connections have closed, at most once a second, off the event loops.
public final class HeapTrimmer: Sendable {
    /// Connections closed since the last trim after which the next check trims.
    public let threshold: Int
    private let closedSinceTrim = Atomic<Int>(0)
    private let trims = Atomic<Int>(0)
    private let release: (@Sendable () -> Void)?

    /// - Parameter release: what a trim calls; glibc's `malloc_trim(0)` by default, none where the C library has no
    ///   such call (then the trimmer only counts).
    public init(threshold: Int = 1000, release: (@Sendable () -> Void)? = HeapTrimmer.mallocTrim) {
        self.threshold = threshold
        self.release = release
    }

    /// How many trims ran (for tests and the debug log).
    public var trimCount: Int { trims.load(ordering: .relaxed) }

    func connectionClosed() {
        closedSinceTrim.wrappingAdd(1, ordering: .relaxed)
    }

    /// Whether the previous check trimmed: a wave of closes spreads over more than one check, and what closed after
    /// the trim is swept by one more at the next check.
    private let trimmedLastCheck = Atomic<Bool>(false)

    /// Trims when at least `threshold` connections closed since the last trim, or when the previous check trimmed and
    /// more have closed since; tells whether it did.
    @discardableResult
    public func trimIfDue() -> Bool {
        let closed = closedSinceTrim.load(ordering: .relaxed)
        let followUp = trimmedLastCheck.load(ordering: .relaxed) && closed > 0
        guard let release, closed >= threshold || followUp else {
            trimmedLastCheck.store(false, ordering: .relaxed)
            return false
        }
        closedSinceTrim.wrappingSubtract(closed, ordering: .relaxed)
        release()
        trims.wrappingAdd(1, ordering: .relaxed)
        trimmedLastCheck.store(!followUp, ordering: .relaxed)
        return true
    }

    /// Checks every `interval` until cancelled.
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            trimIfDue()
        }
    }

    /// glibc's `malloc_trim(0)`, looked up at run time: Swift's Glibc module does not declare it, and another C
    /// library may not have it.
    public static let mallocTrim: (@Sendable () -> Void)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        let trim = unsafeBitCast(symbol, to: MallocTrim.self)
        return { _ = trim(0) }
    }()
}
