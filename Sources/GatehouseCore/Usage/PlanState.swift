/// One usage plan's per-consumer state, kept across reloads under the plan's id: a reload that keeps the plan keeps
/// every consumer's buckets. Consumers appear on their first request.
///
/// Guarded by ``UsageState``'s lock.
final class PlanState: @unchecked Sendable {
    let id: String
    private var consumers: [String: ConsumerState] = [:]

    init(id: String) {
        self.id = id
    }

    func consumer(_ consumer: String) -> ConsumerState {
        if let state = consumers[consumer] { return state }
        let state = ConsumerState()
        consumers[consumer] = state
        return state
    }
}
