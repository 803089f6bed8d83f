import Synchronization

/// The `-n COUNT` budget shared by all workers: each request (or failed attempt) takes one ticket, so the run ends
/// after exactly COUNT attempts whatever the number of connections and threads.
final class RequestBudget: Sendable {
    private let remaining: Atomic<Int>

    init(count: Int) {
        remaining = Atomic(count)
    }

    /// Takes one ticket; false once the budget is spent.
    func take() -> Bool {
        remaining.subtract(1, ordering: .relaxed).newValue >= 0
    }
}
