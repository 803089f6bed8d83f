/// The ledger's memory, behind one lock: every count it knows, split by how far it got towards the store.
struct QuotaLedgerState {
    struct Entry {
        /// The store's total as last read back (the fleet's, with PostgreSQL).
        var stored: Int64 = 0
        /// Counted here and part of `batch`: being written, or waiting to be written again.
        var inFlight: Int64 = 0
        /// Counted here and not yet in a batch.
        var pending: Int64 = 0

        var total: Int64 { stored + inFlight + pending }
    }

    var entries: [UsageKey: Entry] = [:]
    /// The batch being written, or that failed and is retried unchanged (its counts are the entries' `inFlight`).
    var batch: UsageBatch?
    var planFirstSeen: [String: Int64] = [:]
    /// Plans seen here first and not yet recorded by the store.
    var newPlans: [String: Int64] = [:]
    /// Whether the last sync (or migration) succeeded; false until the first one did.
    var storeAvailable = false
    var migrated = false
    var liveInstances = 1
    /// When a store failure was last logged, and how many failures happened since without a log line.
    var lastFailureLogged: ContinuousClock.Instant?
    var failuresNotLogged = 0

    var hasUnwritten: Bool {
        !newPlans.isEmpty || entries.values.contains { $0.pending > 0 || $0.inFlight > 0 }
    }

    var unwrittenCount: Int64 {
        entries.values.reduce(0) { $0 + $1.pending + $1.inFlight }
    }
}
