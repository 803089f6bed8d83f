/// What quotas do while the store cannot be reached (`state.on_store_failure`).
public enum StoreFailureMode: String, Sendable, Equatable, CaseIterable {
    /// Keep admitting on the counts this instance holds, and merge them when the store is back.
    case open
    /// Refuse requests a quota applies to (503) until the store answers again.
    case closed
}
