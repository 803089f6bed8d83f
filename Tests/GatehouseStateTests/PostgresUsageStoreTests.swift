import Foundation
import GatehouseState
import Synchronization
import Testing

/// The ledger against a real PostgreSQL. The server is started by Tests/EndToEnd/test_postgres_store.py (initdb and
/// pg_ctl as the `postgres` user, postgres_support.py), which runs this suite with the server's port, the password,
/// and the commands that stop and start it; without them the suite is skipped.
@Suite(.serialized, .enabled(if: PostgresTestServer.environment != nil))
struct PostgresUsageStoreTests {
    static var environment: PostgresTestServer { PostgresTestServer.environment! }

    static func store() -> PostgresUsageStore {
        let environment = Self.environment
        return PostgresUsageStore(
            settings: PostgresStoreSettings(
                host: "127.0.0.1", port: environment.port, username: "gatehouse", database: "gatehouse",
                password: environment.password))
    }

    /// Runs a shell command to its end. Not Foundation's `Process`: `pg_ctl start` leaves the server running with
    /// the descriptors it inherited, and `waitUntilExit()` then never returns.
    static func run(_ command: String) throws {
        let status = system(command)
        #expect(status == 0, "\(command)")
    }

    static func total(_ store: PostgresUsageStore, plan: String) async throws -> Int64 {
        try await store.read(since: 0).counts.filter { $0.key.plan == plan }.values.reduce(0, +)
    }

    @Test func twoInstancesAddToTheSameRowsAndSeeTheFleetTotal() async throws {
        let plan = "fleet-\(UUID().uuidString.prefix(8))"
        let rule = QuotaRule(limit: 100, period: .day)
        let storeA = Self.store()
        let storeB = Self.store()
        let a = QuotaLedger(store: storeA)
        let b = QuotaLedger(store: storeB)
        #expect(await a.syncOnce())
        #expect(await b.syncOnce())
        let now = Date()
        for _ in 0..<30 { _ = a.admit(plan: plan, consumer: "alice", rule: rule, now: now) }
        for _ in 0..<20 { _ = b.admit(plan: plan, consumer: "alice", rule: rule, now: now) }
        #expect(await a.syncOnce(now: now))
        #expect(await b.syncOnce(now: now))
        #expect(await a.syncOnce(now: now))
        #expect(a.peek(plan: plan, consumer: "alice", rule: rule, now: now).remaining == 50)
        #expect(b.peek(plan: plan, consumer: "alice", rule: rule, now: now).remaining == 50)
        #expect(a.liveInstances >= 2)
        #expect(await storeA.countWriteStatements == 1)
        #expect(await storeB.countWriteStatements == 1)
        #expect(try await Self.total(storeA, plan: plan) == 50)
        // The fleet total stops both at the limit.
        var admitted = 0
        for _ in 0..<100 where a.admit(plan: plan, consumer: "alice", rule: rule, now: now).outcome == .admitted {
            admitted += 1
        }
        #expect(admitted == 50)
        await a.close()
        await b.close()
    }

    @Test func aBatchRetriedAfterALostAnswerIsAddedOnce() async throws {
        let plan = "retry-\(UUID().uuidString.prefix(8))"
        let store = Self.store()
        try await store.migrate()
        let key = UsageKey(plan: plan, consumer: "alice", period: .day, periodStart: 0)
        let batch = UsageBatch(id: UUID().uuidString, instanceID: "test", deltas: [key: 7], createdAt: 1)
        try await store.add(batch)
        try await store.add(batch)  // as a ledger does when the first answer never arrived
        #expect(try await Self.total(store, plan: plan) == 7)
        try await store.add(UsageBatch(id: UUID().uuidString, instanceID: "test", deltas: [key: 2], createdAt: 2))
        #expect(try await Self.total(store, plan: plan) == 9)
        await store.close()
    }

    @Test func stoppingPostgresUnderTrafficLosesNoCount() async throws {
        let environment = Self.environment
        let plan = "outage-\(UUID().uuidString.prefix(8))"
        let rule = QuotaRule(limit: 1_000_000, period: .month)
        let store = Self.store()
        let failures = Mutex(0)
        let ledger = QuotaLedger(
            store: store, options: QuotaLedgerOptions(syncInterval: .milliseconds(50)),
            events: QuotaLedgerEvents(storeFailed: { _ in failures.withLock { $0 += 1 } }))
        #expect(await ledger.start())
        let admitted = Mutex(0)
        let traffic = Task {
            while !Task.isCancelled {
                if ledger.admit(plan: plan, consumer: "alice", rule: rule, now: Date()).outcome == .admitted {
                    admitted.withLock { $0 += 1 }
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        try await Task.sleep(for: .milliseconds(400))
        try Self.run(environment.stop)
        try await Task.sleep(for: .milliseconds(800))
        #expect(failures.withLock { $0 } >= 1)
        #expect(ledger.storeAvailable == false)
        try Self.run(environment.start)
        try await Task.sleep(for: .milliseconds(600))
        traffic.cancel()
        await traffic.value
        #expect(await ledger.flush())
        let counted = admitted.withLock { $0 }
        #expect(counted > 100)
        #expect(try await Self.total(store, plan: plan) == Int64(counted))
        await ledger.close()
    }
}

/// Where the server test_postgres_store.py started is, and how to stop and start it.
struct PostgresTestServer {
    let port: Int
    let password: String
    let stop: String
    let start: String

    static let environment: PostgresTestServer? = {
        let variables = ProcessInfo.processInfo.environment
        guard let port = variables["GATEHOUSE_TEST_PG_PORT"].flatMap(Int.init),
            let password = variables["GATEHOUSE_TEST_PG_PASSWORD"], let stop = variables["GATEHOUSE_TEST_PG_STOP"],
            let start = variables["GATEHOUSE_TEST_PG_START"]
        else { return nil }
        return PostgresTestServer(port: port, password: password, stop: stop, start: start)
    }()
}
