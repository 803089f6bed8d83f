import Synchronization

/// Set once when the server starts draining, read by every connection: from then on each response says
/// `Connection: close`, even on connections the quiescing event has not reached yet.
final class DrainSignal: Sendable {
    private let draining = Atomic<Bool>(false)

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func begin() {
        draining.store(true, ordering: .relaxed)
    }
}
