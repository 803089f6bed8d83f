import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The fleet store: every instance adds its deltas to the same rows with one atomic `INSERT … ON CONFLICT DO
/// UPDATE` per batch and reads the fleet's totals back. One connection, opened on demand and dropped on any error,
/// so an outage costs failed syncs (retried) and never a stuck pool.
public actor PostgresUsageStore: UsageStore {
    private let settings: PostgresStoreSettings
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private var connection: PostgresConnection?
    private var nextConnectionID = 1
    private var syncsSincePrune = 0
    /// Statements that wrote quota counts (one per sync with deltas).
    public private(set) var countWriteStatements = 0

    public init(
        settings: PostgresStoreSettings, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "gatehouse.state")
    ) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    public nonisolated var description: String {
        "PostgreSQL \(settings.username)@\(settings.host):\(settings.port)/\(settings.database)"
    }

    private func connected() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        let tls: PostgresConnection.Configuration.TLS
        if let configuration = try settings.tlsConfiguration() {
            tls = .require(try NIOSSLContext(configuration: configuration))
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls)
        configuration.options.connectTimeout = .seconds(settings.connectTimeoutSeconds)
        let id = nextConnectionID
        nextConnectionID += 1
        let opened = try await PostgresConnection.connect(
            on: eventLoopGroup.any(), configuration: configuration, id: id, logger: logger)
        connection = opened
        return opened
    }

    /// Runs `body` on the connection; any error closes it, so the next call starts on a fresh one.
    private func withConnection<T: Sendable>(
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let db: PostgresConnection
        do {
            db = try await connected()
        } catch {
            throw PostgresStoreError(error)
        }
        // A server that accepted the connection but stopped answering (frozen, or a network that drops packets)
        // would hold the operation forever: closing the connection fails it, and the caller retries.
        let timeout = settings.operationTimeout
        let fired = Mutex(false)
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            fired.withLock { $0 = true }
            try? await db.close()
        }
        defer { watchdog.cancel() }
        do {
            return try await body(db)
        } catch let error as UsageStoreError {
            throw error
        } catch {
            connection = nil
            try? await db.close()
            if fired.withLock({ $0 }) {
                throw UsageStoreError.timedOut(seconds: Int(timeout.components.seconds))
            }
            throw PostgresStoreError(error)
        }
    }

    public func migrate() async throws {
        let logger = self.logger
        try await withConnection { db in
            _ = try await db.query(PostgresQuery(unsafeSQL: UsageSchema.versionTable), logger: logger)
            _ = try await db.query("BEGIN", logger: logger)
            do {
                // Instances starting together migrate one after the other.
                _ = try await db.query("SELECT pg_advisory_xact_lock(7262897301)", logger: logger)
                var found = 0
                for try await version in try await db.query(
                    "SELECT COALESCE(MAX(version), 0) FROM gatehouse_schema_version", logger: logger
                ).decode(Int64.self) {
                    found = Int(version)
                }
                if found > UsageSchema.currentVersion {
                    throw UsageStoreError.schemaTooNew(found: found, supported: UsageSchema.currentVersion)
                }
                let now = Int64(Date().timeIntervalSince1970)
                for version in found..<UsageSchema.currentVersion {
                    for statement in UsageSchema.migrations[version] {
                        _ = try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let next = Int64(version + 1)
                    _ = try await db.query(
                        "INSERT INTO gatehouse_schema_version (version, applied_at) VALUES (\(next), \(now))",
                        logger: logger)
                }
                _ = try await db.query("COMMIT", logger: logger)
            } catch {
                _ = try? await db.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// One statement: the batch id is recorded in `gatehouse_batches` by a data-modifying CTE, and the counts are
    /// added only if that insert happened — so a batch retried after a lost answer adds nothing the second time.
    public func add(_ batch: UsageBatch) async throws {
        guard !batch.deltas.isEmpty else { return }
        let logger = self.logger
        try await withConnection { db in
            let keys = batch.deltas.keys.sorted()  // one lock order across instances: no deadlocks
            let plans = keys.map(\.plan)
            let consumers = keys.map(\.consumer)
            let periods = keys.map(\.period.rawValue)
            let starts = keys.map(\.periodStart)
            let deltas = keys.map { batch.deltas[$0] ?? 0 }
            let now = batch.createdAt
            _ = try await db.query(
                """
                WITH applied AS (
                    INSERT INTO gatehouse_batches (batch_id, instance_id, written_at)
                    VALUES (\(batch.id), \(batch.instanceID), \(now))
                    ON CONFLICT (batch_id) DO NOTHING
                    RETURNING batch_id
                )
                INSERT INTO gatehouse_quota_usage (plan, consumer, period, period_start, used, updated_at)
                SELECT p, c, k, s, n, \(now)
                FROM unnest(\(plans)::text[], \(consumers)::text[], \(periods)::text[], \(starts)::bigint[],
                            \(deltas)::bigint[]) AS batch(p, c, k, s, n)
                WHERE EXISTS (SELECT 1 FROM applied)
                ON CONFLICT (plan, consumer, period, period_start)
                DO UPDATE SET used = gatehouse_quota_usage.used + EXCLUDED.used, updated_at = EXCLUDED.updated_at
                """,
                logger: logger)
        }
        countWriteStatements += 1
    }

    public func refresh(_ request: UsageRefreshRequest) async throws -> UsageSnapshot {
        let logger = self.logger
        let prune = syncsSincePrune >= 300
        syncsSincePrune = prune ? 0 : syncsSincePrune + 1
        return try await withConnection { db -> UsageSnapshot in
            if prune {
                let before = request.instance.now - UsageSchema.batchMemorySeconds
                _ = try await db.query("DELETE FROM gatehouse_batches WHERE written_at < \(before)", logger: logger)
            }
            if !request.newPlans.isEmpty {
                let names = request.newPlans.keys.sorted()
                let firstSeen = names.map { request.newPlans[$0] ?? 0 }
                _ = try await db.query(
                    """
                    INSERT INTO gatehouse_plans (plan, first_seen)
                    SELECT p, f FROM unnest(\(names)::text[], \(firstSeen)::bigint[]) AS batch(p, f)
                    ON CONFLICT (plan) DO UPDATE SET first_seen = LEAST(gatehouse_plans.first_seen, EXCLUDED.first_seen)
                    """,
                    logger: logger)
            }
            let instance = request.instance
            _ = try await db.query(
                """
                INSERT INTO gatehouse_instances (instance_id, hostname, pid, started_at, last_seen)
                VALUES (\(instance.id), \(instance.hostname), \(instance.pid), \(instance.startedAt), \(instance.now))
                ON CONFLICT (instance_id) DO UPDATE SET last_seen = EXCLUDED.last_seen
                """,
                logger: logger)
            var snapshot = try await Self.read(db: db, since: request.since, logger: logger)
            for try await live in try await db.query(
                "SELECT COUNT(*) FROM gatehouse_instances WHERE last_seen >= \(instance.liveSince)", logger: logger
            ).decode(Int64.self) {
                snapshot.liveInstances = max(1, Int(live))
            }
            return snapshot
        }
    }

    public func retire(instanceID: String) async throws {
        let logger = self.logger
        try await withConnection { db in
            _ = try await db.query(
                "DELETE FROM gatehouse_instances WHERE instance_id = \(instanceID)", logger: logger)
        }
    }

    public func read(since: Int64) async throws -> UsageSnapshot {
        let logger = self.logger
        return try await withConnection { db in try await Self.read(db: db, since: since, logger: logger) }
    }

    private static func read(db: PostgresConnection, since: Int64, logger: Logger) async throws -> UsageSnapshot {
        var counts: [UsageKey: Int64] = [:]
        for try await (plan, consumer, period, start, used) in try await db.query(
            """
            SELECT plan, consumer, period, period_start, used FROM gatehouse_quota_usage
            WHERE period_start >= \(since)
            """,
            logger: logger
        ).decode((String, String, String, Int64, Int64).self) {
            guard let kind = QuotaPeriod(rawValue: period) else {
                throw UsageStoreError.malformedRow("period \(period)")
            }
            counts[UsageKey(plan: plan, consumer: consumer, period: kind, periodStart: start)] = used
        }
        var plans: [String: Int64] = [:]
        for try await (plan, firstSeen) in try await db.query(
            "SELECT plan, first_seen FROM gatehouse_plans", logger: logger
        ).decode((String, Int64).self) {
            plans[plan] = firstSeen
        }
        return UsageSnapshot(counts: counts, planFirstSeen: plans, liveInstances: 1)
    }

    public func reset(_ key: UsageKey) async throws {
        let logger = self.logger
        let now = Int64(Date().timeIntervalSince1970)
        try await withConnection { db in
            _ = try await db.query(
                """
                INSERT INTO gatehouse_quota_usage (plan, consumer, period, period_start, used, updated_at)
                VALUES (\(key.plan), \(key.consumer), \(key.period.rawValue), \(key.periodStart), 0, \(now))
                ON CONFLICT (plan, consumer, period, period_start)
                DO UPDATE SET used = 0, updated_at = EXCLUDED.updated_at
                """,
                logger: logger)
        }
    }

    public func close() async {
        if let connection {
            try? await connection.close()
        }
        connection = nil
    }
}
