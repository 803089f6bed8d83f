/// Counts to add to the store in one atomic statement. A batch that failed is retried unchanged, with the same
/// id, until it is written: PostgreSQL records the ids it applied (`gatehouse_batches`), so a batch whose
/// write committed but whose answer was lost (the connection died in between) is not added twice.
public struct UsageBatch: Sendable, Equatable {
    /// Unique per batch (a random UUID).
    public let id: String
    /// The instance that counted the batch (recorded with the id).
    public let instanceID: String
    /// Requests counted per key; every value is positive.
    public let deltas: [UsageKey: Int64]
    /// When the batch was made (seconds since 1970), recorded as the rows' `updated_at`.
    public let createdAt: Int64

    public init(id: String, instanceID: String, deltas: [UsageKey: Int64], createdAt: Int64) {
        self.id = id
        self.instanceID = instanceID
        self.deltas = deltas
        self.createdAt = createdAt
    }
}
