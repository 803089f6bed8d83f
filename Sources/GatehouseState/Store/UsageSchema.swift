/// The store's tables and the migrations that create them, shared by SQLite and PostgreSQL: the DDL uses only types
/// both accept (`TEXT`, `BIGINT`; SQLite gives `BIGINT` integer affinity). Each migration runs once, in order, and
/// is recorded in `gatehouse_schema_version`; docs/state.md describes every table.
public enum UsageSchema {
    /// The version this build creates and expects.
    public static var currentVersion: Int { migrations.count }

    static let versionTable = """
        CREATE TABLE IF NOT EXISTS gatehouse_schema_version (
            version BIGINT PRIMARY KEY,
            applied_at BIGINT NOT NULL
        )
        """

    /// `migrations[i]` brings the schema from version `i` to `i + 1`.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE gatehouse_quota_usage (
                plan TEXT NOT NULL,
                consumer TEXT NOT NULL,
                period TEXT NOT NULL,
                period_start BIGINT NOT NULL,
                used BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (plan, consumer, period, period_start)
            )
            """,
            "CREATE INDEX gatehouse_quota_usage_by_start ON gatehouse_quota_usage (period_start)",
            """
            CREATE TABLE gatehouse_plans (
                plan TEXT PRIMARY KEY,
                first_seen BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE gatehouse_instances (
                instance_id TEXT PRIMARY KEY,
                hostname TEXT NOT NULL,
                pid BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                last_seen BIGINT NOT NULL
            )
            """,
        ],
        [
            """
            CREATE TABLE gatehouse_batches (
                batch_id TEXT PRIMARY KEY,
                instance_id TEXT NOT NULL,
                written_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX gatehouse_batches_by_time ON gatehouse_batches (written_at)",
        ],
    ]

    /// How long applied batch ids are remembered: a batch retried later than this after its write committed (the
    /// answer lost, then the store unreachable for a day) would be added twice.
    static let batchMemorySeconds: Int64 = 86_400
}
