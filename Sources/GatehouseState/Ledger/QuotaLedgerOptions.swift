/// How a ``QuotaLedger`` syncs and what it does when the store is away (the `state:` section).
public struct QuotaLedgerOptions: Sendable {
    /// How often local counts are merged into the store (`sync_interval_ms`, default 200 ms).
    public var syncInterval: Duration
    /// `on_store_failure` (default `open`).
    public var failureMode: StoreFailureMode
    /// How long `flush()` keeps retrying at stop before giving up and logging what was not written.
    public var flushTimeout: Duration

    public init(
        syncInterval: Duration = .milliseconds(200), failureMode: StoreFailureMode = .open,
        flushTimeout: Duration = .seconds(10)
    ) {
        self.syncInterval = syncInterval
        self.failureMode = failureMode
        self.flushTimeout = flushTimeout
    }

    /// Instances whose last heartbeat is older than this are no longer counted as live: five sync intervals, and
    /// never less than 2 s (heartbeats are recorded in whole seconds).
    public var liveWindowSeconds: Int64 {
        let interval = syncInterval.components
        let milliseconds = interval.seconds * 1000 + interval.attoseconds / 1_000_000_000_000_000
        return max(2, (5 * milliseconds + 999) / 1000)
    }
}
