import Foundation
import GatehouseState
import SQLiteNIO
import Synchronization
import Testing

/// The ledger against a real SQLite file: counts survive a new ledger (a restart), are written in one statement per
/// sync, and are kept and retried when the store fails.
@Suite struct QuotaLedgerSQLiteTests {
    static let noon = Date(timeIntervalSince1970: TimeInterval(QuotaCalendarTests.at(2026, 12, 9, 12)))
    static let daily = QuotaRule(limit: 5, period: .day)

    @Test func admitsUpToTheLimitThenRefuses() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let ledger = QuotaLedger(store: SQLiteUsageStore(path: folder.file("state.db")))
        #expect(await ledger.syncOnce(now: Self.noon))
        var outcomes: [QuotaDecision.Outcome] = []
        var remaining: [Int64] = []
        for _ in 0..<7 {
            let decision = ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon)
            outcomes.append(decision.outcome)
            remaining.append(decision.remaining)
        }
        #expect(outcomes == [.admitted, .admitted, .admitted, .admitted, .admitted, .exhausted, .exhausted])
        #expect(remaining == [4, 3, 2, 1, 0, 0, 0])
        let decision = ledger.peek(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon)
        #expect(decision.limit == 5)
        #expect(decision.resetsAt == QuotaCalendarTests.at(2026, 12, 10))
        // Another consumer has a count of its own.
        #expect(ledger.admit(plan: "gold", consumer: "bob", rule: Self.daily, now: Self.noon).outcome == .admitted)
        // The next day starts again.
        let tomorrow = Self.noon.addingTimeInterval(86_400)
        #expect(ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: tomorrow).remaining == 4)
        await ledger.close()
    }

    @Test func aNewLedgerOnTheSameFileKeepsTheCount() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let path = folder.file("state.db")
        let first = QuotaLedger(store: SQLiteUsageStore(path: path))
        #expect(await first.syncOnce(now: Self.noon))
        for _ in 0..<3 {
            _ = first.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon)
        }
        #expect(await first.flush())
        await first.close()
        let second = QuotaLedger(store: SQLiteUsageStore(path: path))
        #expect(await second.syncOnce(now: Self.noon))
        let decision = second.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon)
        #expect(decision.outcome == .admitted)
        #expect(decision.remaining == 1)
        await second.close()
    }

    @Test func manyAdmitsAreOneStatementPerSync() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let store = SQLiteUsageStore(path: folder.file("state.db"))
        let ledger = QuotaLedger(store: store)
        #expect(await ledger.syncOnce(now: Self.noon))
        let rule = QuotaRule(limit: 1_000_000, period: .month)
        for index in 0..<5000 {
            _ = ledger.admit(plan: "gold", consumer: "consumer-\(index % 250)", rule: rule, now: Self.noon)
        }
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(await store.countWriteStatements == 1)
        // Nothing counted since: no write at all.
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(await store.countWriteStatements == 1)
        let snapshot = try await store.read(since: 0)
        #expect(snapshot.counts.count == 250)
        #expect(snapshot.counts.values.reduce(0, +) == 5000)
        #expect(ledger.unwrittenCount == 0)
        await ledger.close()
    }

    @Test func offsetIsSubtractedInThePlansFirstPeriodOnly() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let path = folder.file("state.db")
        let rule = QuotaRule(limit: 10, period: .day, offset: 4)
        let ledger = QuotaLedger(store: SQLiteUsageStore(path: path))
        #expect(await ledger.syncOnce(now: Self.noon))
        let first = ledger.admit(plan: "silver", consumer: "alice", rule: rule, now: Self.noon)
        #expect(first.limit == 6)
        #expect(first.remaining == 5)
        #expect(await ledger.syncOnce(now: Self.noon))
        await ledger.close()
        // A restart later the same day is still in the plan's first period: the store remembers when it saw it.
        let restarted = QuotaLedger(store: SQLiteUsageStore(path: path))
        let laterToday = Self.noon.addingTimeInterval(3600)
        #expect(await restarted.syncOnce(now: laterToday))
        #expect(restarted.peek(plan: "silver", consumer: "bob", rule: rule, now: laterToday).limit == 6)
        // The next day is not.
        let tomorrow = Self.noon.addingTimeInterval(86_400)
        #expect(restarted.admit(plan: "silver", consumer: "alice", rule: rule, now: tomorrow).limit == 10)
        await restarted.close()
    }

    @Test func countsThatFailToBeWrittenAreKeptAndRetried() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let path = folder.file("state.db")
        let store = SQLiteUsageStore(path: path, busyTimeoutMilliseconds: 50)
        let failures = Mutex<[String]>([])
        let ledger = QuotaLedger(
            store: store, events: QuotaLedgerEvents(storeFailed: { reason in failures.withLock { $0.append(reason) } }))
        #expect(await ledger.syncOnce(now: Self.noon))
        let rule = QuotaRule(limit: 100, period: .day)
        for _ in 0..<7 {
            _ = ledger.admit(plan: "gold", consumer: "alice", rule: rule, now: Self.noon)
        }
        // Another connection holds the write lock: the sync's statement fails with SQLITE_BUSY.
        let blocker = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await blocker.query("BEGIN EXCLUSIVE")
        #expect(await ledger.syncOnce(now: Self.noon) == false)
        #expect(ledger.storeAvailable == false)
        #expect(failures.withLock { $0.count } == 1)
        #expect(ledger.unwrittenCount == 7)
        // Open mode keeps admitting on local counts while the store is away.
        for _ in 0..<3 {
            #expect(ledger.admit(plan: "gold", consumer: "alice", rule: rule, now: Self.noon).outcome == .admitted)
        }
        #expect(await ledger.syncOnce(now: Self.noon) == false)
        _ = try await blocker.query("COMMIT")
        try await blocker.close()
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(ledger.storeAvailable)
        #expect(ledger.unwrittenCount == 0)
        // The failed batch of 7 was retried as it was, then the 3 counted meanwhile went in a batch of their own.
        #expect(await store.countWriteStatements == 2)
        let stored = try await store.read(since: 0).counts
        #expect(stored.values.reduce(0, +) == 10)
        #expect(ledger.peek(plan: "gold", consumer: "alice", rule: rule, now: Self.noon).remaining == 90)
        await ledger.close()
    }

    @Test func closedModeRefusesWhileTheStoreIsUnreachable() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        // The folder does not exist yet: the database cannot be opened.
        let path = folder.file("later/state.db")
        let ledger = QuotaLedger(
            store: SQLiteUsageStore(path: path), options: QuotaLedgerOptions(failureMode: .closed))
        #expect(await ledger.syncOnce(now: Self.noon) == false)
        let refused = ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon)
        #expect(refused.outcome == .storeUnavailable)
        #expect(ledger.unwrittenCount == 0)
        try FileManager.default.createDirectory(atPath: folder.file("later"), withIntermediateDirectories: true)
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon).outcome == .admitted)
        await ledger.close()
    }

    @Test func openModeCountsWhileUnreachableAndWritesLater() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let path = folder.file("later/state.db")
        let store = SQLiteUsageStore(path: path)
        let ledger = QuotaLedger(store: store)
        #expect(await ledger.syncOnce(now: Self.noon) == false)
        for _ in 0..<4 {
            #expect(
                ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon).outcome == .admitted)
        }
        try FileManager.default.createDirectory(atPath: folder.file("later"), withIntermediateDirectories: true)
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(try await store.read(since: 0).counts.values.reduce(0, +) == 4)
        await ledger.close()
    }

    @Test func resetSetsTheCountToZeroForTheRunningLedger() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let path = folder.file("state.db")
        let ledger = QuotaLedger(store: SQLiteUsageStore(path: path))
        #expect(await ledger.syncOnce(now: Self.noon))
        for _ in 0..<5 {
            _ = ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon)
        }
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon).outcome == .exhausted)
        // Another process (the CLI) resets the count in the same file.
        let cli = SQLiteUsageStore(path: path)
        let start = QuotaCalendar.periodStart(.day, containing: Int64(Self.noon.timeIntervalSince1970))
        try await cli.reset(UsageKey(plan: "gold", consumer: "alice", period: .day, periodStart: start))
        await cli.close()
        #expect(await ledger.syncOnce(now: Self.noon))
        #expect(ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Self.noon).remaining == 4)
        await ledger.close()
    }

    @Test func theBackgroundSyncWritesWithoutBeingAsked() async throws {
        let folder = try StateTestDirectory()
        defer { folder.remove() }
        let store = SQLiteUsageStore(path: folder.file("state.db"))
        let ledger = QuotaLedger(store: store, options: QuotaLedgerOptions(syncInterval: .milliseconds(50)))
        #expect(await ledger.start())
        _ = ledger.admit(plan: "gold", consumer: "alice", rule: Self.daily, now: Date())
        var written: Int64 = 0
        for _ in 0..<100 where written == 0 {
            try await Task.sleep(for: .milliseconds(20))
            written = try await store.read(since: 0).counts.values.reduce(0, +)
        }
        #expect(written == 1)
        #expect(await ledger.flush())
        await ledger.close()
    }
}
