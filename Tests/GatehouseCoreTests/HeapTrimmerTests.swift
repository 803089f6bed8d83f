import Synchronization
import Testing

@testable import GatehouseCore

/// When the memory of closed connections is given back: after `threshold` closes, then once more for the closes that
/// came after that trim, and never for a handful.
@Suite struct HeapTrimmerTests {
    final class Releases: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
    }

    @Test func trimsOnlyOnceThresholdConnectionsHaveClosed() {
        let releases = Releases()
        let trimmer = HeapTrimmer(threshold: 3) { releases.count.wrappingAdd(1, ordering: .relaxed) }
        trimmer.connectionClosed()
        trimmer.connectionClosed()
        #expect(!trimmer.trimIfDue())
        #expect(!trimmer.trimIfDue())
        trimmer.connectionClosed()
        #expect(trimmer.trimIfDue())
        #expect(releases.value == 1)
        #expect(!trimmer.trimIfDue())  // nothing closed since
        #expect(trimmer.trimCount == 1)
    }

    @Test func closesAfterATrimAreSweptByOneMoreAtTheNextCheck() {
        let releases = Releases()
        let trimmer = HeapTrimmer(threshold: 3) { releases.count.wrappingAdd(1, ordering: .relaxed) }
        for _ in 0..<4 { trimmer.connectionClosed() }
        #expect(trimmer.trimIfDue())
        trimmer.connectionClosed()  // the tail of the same wave
        #expect(trimmer.trimIfDue())
        #expect(releases.value == 2)
        // the follow-up does not chain: a single close later waits for the threshold again
        trimmer.connectionClosed()
        #expect(!trimmer.trimIfDue())
        #expect(releases.value == 2)
    }

    @Test func withoutMallocTrimNothingIsCalled() {
        let trimmer = HeapTrimmer(threshold: 1, release: nil)
        trimmer.connectionClosed()
        #expect(!trimmer.trimIfDue())
    }

    @Test func glibcsMallocTrimIsFoundAndRuns() {
        #expect(HeapTrimmer.mallocTrim != nil)
        HeapTrimmer.mallocTrim?()
    }
}
