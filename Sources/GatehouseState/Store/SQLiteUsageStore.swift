import Foundation
import Logging
import SQLiteNIO

/// The embedded store: one SQLite file in WAL mode, so `gatehouse usage show` can read while the gateway writes.
/// An actor, so the gateway's sync, `GET /usage` and migrations never interleave statements on the connection.
public actor SQLiteUsageStore: UsageStore {
    public nonisolated let path: String
    private let busyTimeoutMilliseconds: Int
    private let logger: Logger
    private var connection: SQLiteConnection?
    /// Statements that wrote quota counts, for tests and measurements of batching (one per sync with deltas).
    public private(set) var countWriteStatements = 0

    /// - Parameter busyTimeoutMilliseconds: how long a statement waits for another process's lock on the file
    ///   (the CLI's `usage reset` while the gateway syncs) before failing; a failed sync is retried.
    public init(path: String, busyTimeoutMilliseconds: Int = 2000, logger: Logger = Logger(label: "gatehouse.state")) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.logger = logger
    }

    public nonisolated var description: String { "SQLite \(path)" }

    private func open() async throws -> SQLiteConnection {
        if let connection { return connection }
        let opened = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            _ = try await opened.query("PRAGMA journal_mode=WAL")
            _ = try await opened.query("PRAGMA synchronous=NORMAL")
            _ = try await opened.query("PRAGMA busy_timeout=\(busyTimeoutMilliseconds)")
        } catch {
            try? await opened.close()
            throw error
        }
        connection = opened
        return opened
    }

    public func migrate() async throws {
        let db = try await open()
        _ = try await db.query(UsageSchema.versionTable)
        _ = try await db.query("BEGIN IMMEDIATE")
        do {
            let rows = try await db.query("SELECT COALESCE(MAX(version), 0) AS version FROM gatehouse_schema_version")
            let found = rows.first?.column("version")?.integer ?? 0
            if found > UsageSchema.currentVersion {
                throw UsageStoreError.schemaTooNew(found: found, supported: UsageSchema.currentVersion)
            }
            let now = Int64(Date().timeIntervalSince1970)
            for version in found..<UsageSchema.currentVersion {
                for statement in UsageSchema.migrations[version] {
                    _ = try await db.query(statement)
                }
                _ = try await db.query(
                    "INSERT INTO gatehouse_schema_version (version, applied_at) VALUES (?1, ?2)",
                    [.integer(version + 1), .integer(Int(now))])
            }
            _ = try await db.query("COMMIT")
        } catch {
            _ = try? await db.query("ROLLBACK")
            throw error
        }
    }

    /// One statement, in-process: SQLite returns only after the commit, so there is no lost answer to guard against
    /// and the batch id is not recorded.
    public func add(_ batch: UsageBatch) async throws {
        guard !batch.deltas.isEmpty else { return }
        let db = try await open()
        // One statement for the whole batch: atomic, and one lock acquisition however many consumers counted.
        _ = try await db.query(
            """
            INSERT INTO gatehouse_quota_usage (plan, consumer, period, period_start, used, updated_at)
            SELECT json_extract(value, '$.p'), json_extract(value, '$.c'), json_extract(value, '$.k'),
                   json_extract(value, '$.s'), json_extract(value, '$.n'), ?2
            FROM json_each(?1) WHERE true
            ON CONFLICT (plan, consumer, period, period_start)
            DO UPDATE SET used = used + excluded.used, updated_at = excluded.updated_at
            """,
            [.text(try UsageBatchJSON.deltas(batch.deltas)), .integer(Int(batch.createdAt))])
        countWriteStatements += 1
    }

    public func refresh(_ request: UsageRefreshRequest) async throws -> UsageSnapshot {
        let db = try await open()
        if !request.newPlans.isEmpty {
            _ = try await db.query(
                """
                INSERT INTO gatehouse_plans (plan, first_seen)
                SELECT json_extract(value, '$.p'), json_extract(value, '$.f') FROM json_each(?1) WHERE true
                ON CONFLICT (plan) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen)
                """,
                [.text(try UsageBatchJSON.plans(request.newPlans))])
        }
        let instance = request.instance
        _ = try await db.query(
            """
            INSERT INTO gatehouse_instances (instance_id, hostname, pid, started_at, last_seen)
            VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (instance_id) DO UPDATE SET last_seen = excluded.last_seen
            """,
            [
                .text(instance.id), .text(instance.hostname), .integer(Int(instance.pid)),
                .integer(Int(instance.startedAt)), .integer(Int(instance.now)),
            ])
        // Without PostgreSQL there is no fleet: `liveInstances` is 1 (contract section 8), whatever else shares the
        // file.
        return try await read(db: db, since: request.since)
    }

    public func retire(instanceID: String) async throws {
        _ = try await open().query("DELETE FROM gatehouse_instances WHERE instance_id = ?1", [.text(instanceID)])
    }

    public func read(since: Int64) async throws -> UsageSnapshot {
        try await read(db: try await open(), since: since)
    }

    private func read(db: SQLiteConnection, since: Int64) async throws -> UsageSnapshot {
        var counts: [UsageKey: Int64] = [:]
        for row in try await db.query(
            "SELECT plan, consumer, period, period_start, used FROM gatehouse_quota_usage WHERE period_start >= ?1",
            [.integer(Int(since))])
        {
            guard let plan = row.column("plan")?.string, let consumer = row.column("consumer")?.string,
                let period = row.column("period")?.string.flatMap(QuotaPeriod.init(rawValue:)),
                let start = row.column("period_start")?.integer, let used = row.column("used")?.integer
            else { throw UsageStoreError.malformedRow("\(row)") }
            counts[UsageKey(plan: plan, consumer: consumer, period: period, periodStart: Int64(start))] = Int64(used)
        }
        var plans: [String: Int64] = [:]
        for row in try await db.query("SELECT plan, first_seen FROM gatehouse_plans") {
            guard let plan = row.column("plan")?.string, let firstSeen = row.column("first_seen")?.integer else {
                throw UsageStoreError.malformedRow("\(row)")
            }
            plans[plan] = Int64(firstSeen)
        }
        return UsageSnapshot(counts: counts, planFirstSeen: plans, liveInstances: 1)
    }

    public func reset(_ key: UsageKey) async throws {
        let db = try await open()
        _ = try await db.query(
            """
            INSERT INTO gatehouse_quota_usage (plan, consumer, period, period_start, used, updated_at)
            VALUES (?1, ?2, ?3, ?4, 0, ?5)
            ON CONFLICT (plan, consumer, period, period_start) DO UPDATE SET used = 0, updated_at = excluded.updated_at
            """,
            [
                .text(key.plan), .text(key.consumer), .text(key.period.rawValue), .integer(Int(key.periodStart)),
                .integer(Int(Date().timeIntervalSince1970)),
            ])
    }

    public func close() async {
        if let connection {
            try? await connection.close()
        }
        connection = nil
    }
}
