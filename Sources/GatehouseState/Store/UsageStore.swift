/// Where quota counts live between restarts and, with PostgreSQL, across a fleet. Only the ledger's background
/// sync and the CLI call it — never the request path. Implementations create and migrate their own schema
/// (``migrate()``), so an operator never runs SQL by hand.
public protocol UsageStore: Sendable {
    /// A short description for logs and errors: the SQLite path or the PostgreSQL host, never a password.
    var description: String { get }

    /// Creates the tables or brings them to the current schema version. Idempotent; safe to run from several
    /// instances at once.
    func migrate() async throws

    /// Adds the batch's deltas to the stored counts in one atomic statement. Idempotent by `batch.id` where the
    /// store cannot tell a lost answer from a failed write (PostgreSQL over the network).
    func add(_ batch: UsageBatch) async throws

    /// Registers new plans and the heartbeat, and reads back the totals from `request.since` on.
    func refresh(_ request: UsageRefreshRequest) async throws -> UsageSnapshot

    /// Removes an instance's heartbeat row when it stops cleanly, so the others stop counting it at once.
    func retire(instanceID: String) async throws

    /// The stored counts from `since` on and the plans' first sightings, without writing anything (`usage show`).
    func read(since: Int64) async throws -> UsageSnapshot

    /// Sets one count to zero (`usage reset`). Creates the row when absent, so a count an instance merges later
    /// starts from zero.
    func reset(_ key: UsageKey) async throws

    /// Closes connections. The store is not used afterwards.
    func close() async
}
