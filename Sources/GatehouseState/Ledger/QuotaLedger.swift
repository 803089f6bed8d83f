import Foundation
import Logging
import Synchronization

/// The quota counts of this instance, answered from memory under one lock and merged into a ``UsageStore`` in the
/// background every `sync_interval_ms`: the request path never waits on a database (contract section 8).
///
/// A count moves from `pending` (taken by `admit`) to `inFlight` (in a batch being written) to `stored` (written,
/// then read back from the store with the fleet's counts in it). A batch that fails is kept and retried unchanged,
/// with the same id, until it is written — a count taken is never dropped, and (PostgreSQL recording batch ids)
/// never added twice. Built once per process and kept across reloads.
public final class QuotaLedger: QuotaAccounting {
    private let store: any UsageStore
    private let options: QuotaLedgerOptions
    private let events: QuotaLedgerEvents
    private let logger: Logger
    private let instance: InstanceHeartbeat
    private let state = Mutex(QuotaLedgerState())
    private let syncTask = Mutex<Task<Void, Never>?>(nil)

    public init(
        store: any UsageStore, options: QuotaLedgerOptions = QuotaLedgerOptions(),
        events: QuotaLedgerEvents = QuotaLedgerEvents(), logger: Logger = Logger(label: "gatehouse.state"),
        now: Date = Date()
    ) {
        self.store = store
        self.options = options
        self.events = events
        self.logger = logger
        let seconds = Int64(now.timeIntervalSince1970)
        self.instance = InstanceHeartbeat(
            id: UUID().uuidString.lowercased(), hostname: Self.hostname(),
            pid: Int64(ProcessInfo.processInfo.processIdentifier), startedAt: seconds, now: seconds,
            liveSince: seconds)
    }

    public var storeDescription: String { store.description }

    // MARK: The request path

    public func admit(plan: String, consumer: String, rule: QuotaRule, now: Date) -> QuotaDecision {
        decide(plan: plan, consumer: consumer, rule: rule, now: now, count: true)
    }

    public func peek(plan: String, consumer: String, rule: QuotaRule, now: Date) -> QuotaDecision {
        decide(plan: plan, consumer: consumer, rule: rule, now: now, count: false)
    }

    public var liveInstances: Int {
        state.withLock { $0.liveInstances }
    }

    /// Whether the last attempt to reach the store succeeded (for `/readyz` and tests).
    public var storeAvailable: Bool {
        state.withLock { $0.storeAvailable }
    }

    /// Counts taken here and not yet written to the store.
    public var unwrittenCount: Int64 {
        state.withLock { $0.unwrittenCount }
    }

    /// Every count of the current periods this instance knows (the store's totals plus what is not written yet), for
    /// `GET /usage` and `gatehouse_quota_remaining`.
    public func usage(now: Date) -> [UsageKey: Int64] {
        let seconds = Self.seconds(now)
        return state.withLock { state in
            var result: [UsageKey: Int64] = [:]
            for (key, entry) in state.entries
            where key.periodStart == QuotaCalendar.periodStart(key.period, containing: seconds) {
                result[key] = entry.total
            }
            return result
        }
    }

    /// When the store first saw `plan` (or this instance did, before the store answered); nil if never seen.
    public func firstSeen(plan: String) -> Int64? {
        state.withLock { $0.planFirstSeen[plan] }
    }

    private func decide(plan: String, consumer: String, rule: QuotaRule, now: Date, count: Bool) -> QuotaDecision {
        let seconds = Self.seconds(now)
        let start = QuotaCalendar.periodStart(rule.period, containing: seconds)
        let resetsAt = QuotaCalendar.nextPeriodStart(rule.period, after: seconds)
        let key = UsageKey(plan: plan, consumer: consumer, period: rule.period, periodStart: start)
        let failureMode = options.failureMode
        return state.withLock { state in
            let firstSeen: Int64
            if let known = state.planFirstSeen[plan] {
                firstSeen = known
            } else {
                firstSeen = seconds
                if count {
                    state.planFirstSeen[plan] = seconds
                    state.newPlans[plan] = seconds
                }
            }
            let inFirstPeriod = QuotaCalendar.periodStart(rule.period, containing: firstSeen) == start
            let limit = max(0, rule.limit - (inFirstPeriod ? rule.offset : 0))
            let used = state.entries[key]?.total ?? 0
            let left = max(0, limit - used)
            if failureMode == .closed && !state.storeAvailable {
                return QuotaDecision(outcome: .storeUnavailable, remaining: left, limit: limit, resetsAt: resetsAt)
            }
            guard count else {
                return QuotaDecision(outcome: .admitted, remaining: left, limit: limit, resetsAt: resetsAt)
            }
            guard used < limit else {
                return QuotaDecision(outcome: .exhausted, remaining: 0, limit: limit, resetsAt: resetsAt)
            }
            state.entries[key, default: QuotaLedgerState.Entry()].pending += 1
            return QuotaDecision(outcome: .admitted, remaining: left - 1, limit: limit, resetsAt: resetsAt)
        }
    }

    // MARK: Syncing

    /// Migrates the schema and loads the store's counts before serving (so a restart keeps them), then syncs every
    /// `sync_interval_ms` until `flush()`. A store that cannot be reached now is logged and retried by the sync.
    @discardableResult
    public func start() async -> Bool {
        let loaded = await syncOnce()
        let interval = options.syncInterval
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                guard let self else { return }
                // An unstructured task: cancelling the loop never interrupts a write half-way (whose count would
                // then be put back and written twice).
                _ = await Task { await self.syncOnce() }.value
            }
        }
        syncTask.withLock { $0 = task }
        return loaded
    }

    /// Stops the periodic sync and writes what is left, retrying until everything is written or `flushTimeout`
    /// passes (SIGTERM). Returns whether nothing is left unwritten.
    @discardableResult
    public func flush() async -> Bool {
        let task = syncTask.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
        let deadline = ContinuousClock.now.advanced(by: options.flushTimeout)
        while true {
            if await syncOnce(), !state.withLock({ $0.hasUnwritten }) {
                try? await store.retire(instanceID: instance.id)
                return true
            }
            if ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: options.syncInterval)
        }
        let lost = unwrittenCount
        logger.error(
            "stopping with \(lost) quota count(s) not written to the state store (\(store.description))",
            metadata: ["GATEHOUSE_EVENT": "state_store_error"])
        return false
    }

    /// Closes the store's connection after `flush()`; the ledger is not synced afterwards.
    public func close() async {
        await store.close()
    }

    /// One sync: merges the pending counts into the store and reads the totals back. Returns whether the store
    /// answered. Not to be run concurrently with itself (the sync loop and `flush()` take turns).
    @discardableResult
    public func syncOnce(now: Date = Date()) async -> Bool {
        let seconds = Self.seconds(now)
        if !state.withLock({ $0.migrated }) {
            do {
                try await store.migrate()
                state.withLock { $0.migrated = true }
            } catch {
                failed(error)
                return false
            }
        }
        // The batch: the one that failed before, unchanged (same id, same counts), then — or else — a new one of
        // what is pending, so one sync after an outage writes everything.
        var retried = true
        while retried {
            let next = state.withLock { state -> (UsageBatch, Bool)? in
                if let waiting = state.batch { return (waiting, true) }
                var deltas: [UsageKey: Int64] = [:]
                for (key, entry) in state.entries where entry.pending > 0 {
                    deltas[key] = entry.pending
                    state.entries[key]?.inFlight += entry.pending
                    state.entries[key]?.pending = 0
                }
                guard !deltas.isEmpty else { return nil }
                let made = UsageBatch(
                    id: UUID().uuidString.lowercased(), instanceID: instance.id, deltas: deltas, createdAt: seconds)
                state.batch = made
                return (made, false)
            }
            guard let (batch, wasRetry) = next else { break }
            retried = wasRetry
            do {
                try await store.add(batch)
            } catch {
                failed(error)
                return false
            }
            state.withLock { state in
                for (key, delta) in batch.deltas {
                    state.entries[key, default: QuotaLedgerState.Entry()].inFlight -= delta
                    state.entries[key, default: QuotaLedgerState.Entry()].stored += delta
                }
                state.batch = nil
            }
        }
        var heartbeat = instance
        heartbeat.now = seconds
        heartbeat.liveSince = seconds - options.liveWindowSeconds
        let request = state.withLock { state in
            UsageRefreshRequest(
                newPlans: state.newPlans, since: QuotaCalendar.earliestCurrentStart(at: seconds), instance: heartbeat)
        }
        let snapshot: UsageSnapshot
        do {
            snapshot = try await store.refresh(request)
        } catch {
            failed(error)
            return false
        }
        let recovered = state.withLock { state -> Bool in
            for (key, used) in snapshot.counts {
                state.entries[key, default: QuotaLedgerState.Entry()].stored = used
            }
            // Counts of periods that are over are dropped once nothing of theirs is left to write.
            state.entries = state.entries.filter { key, entry in
                entry.pending > 0 || entry.inFlight > 0
                    || key.periodStart >= QuotaCalendar.periodStart(key.period, containing: seconds)
            }
            for (plan, firstSeen) in snapshot.planFirstSeen {
                state.planFirstSeen[plan] = firstSeen
            }
            for (plan, firstSeen) in request.newPlans where state.newPlans[plan] == firstSeen {
                state.newPlans[plan] = nil
            }
            state.liveInstances = max(1, snapshot.liveInstances)
            state.lastFailureLogged = nil
            state.failuresNotLogged = 0
            defer { state.storeAvailable = true }
            return !state.storeAvailable
        }
        if recovered {
            logger.info(
                "state store reachable: \(store.description)", metadata: ["GATEHOUSE_EVENT": "state_store_ok"])
            events.storeRecovered()
        }
        return true
    }

    /// Counts every failure (the event, hence the metric) but logs the first one of an outage and then one line
    /// every 10 s, so a store that is down for an hour does not write five lines a second.
    private func failed(_ error: any Error) {
        let now = ContinuousClock.now
        let (unwritten, log, suppressed) = state.withLock { state -> (Int64, Bool, Int) in
            let firstOfOutage = state.storeAvailable || state.lastFailureLogged == nil
            state.storeAvailable = false
            let due = state.lastFailureLogged.map { now - $0 >= .seconds(10) } ?? true
            guard firstOfOutage || due else {
                state.failuresNotLogged += 1
                return (state.unwrittenCount, false, 0)
            }
            let suppressed = state.failuresNotLogged
            state.failuresNotLogged = 0
            state.lastFailureLogged = now
            return (state.unwrittenCount, true, suppressed)
        }
        let reason = "\(error)"
        if log {
            let since = suppressed > 0 ? " (\(suppressed) more failure(s) since the last message)" : ""
            let message =
                "state store \(store.description) failed: \(reason); \(unwritten) count(s) kept for the next sync"
            logger.error(
                "\(message)\(since)",
                metadata: ["GATEHOUSE_EVENT": "state_store_error"])
        }
        events.storeFailed(reason)
    }

    /// The kernel's host name (`gethostname`), not Foundation's `hostName`, which may wait on DNS — blocked by
    /// `IPAddressDeny=` under systemd.
    private static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
