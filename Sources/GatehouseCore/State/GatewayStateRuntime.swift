import Foundation
import GatehouseConfig
import GatehouseState
import Logging
import Synchronization

/// The quota state of one `gatehouse serve` process: the store and the ledger, built once at start and kept across
/// reloads (a reload may change plans; counts of consumers that still exist are kept because they are keyed by plan
/// and consumer, not by configuration). Reports the store's health to metrics, the log and `/readyz`.
final class GatewayStateRuntime: Sendable {
    let ledger: QuotaLedger

    /// The hand-over to the request path: what gate 8 asks (and `scope: fleet` throttles read `liveInstances` from).
    var quotas: any QuotaAccounting { ledger }
    private let rules: Mutex<[String: QuotaRule]>
    private let started = Mutex(false)

    init(configuration: GatewayConfiguration, metrics: GatewayMetrics, health: AdminHealth, logger: Logger) throws {
        let state = configuration.state
        let store = try UsageStoreFactory.make(state, logger: logger)
        // Created once here, so the series is exported at zero before the first failure.
        let errors = metrics.counter("gatehouse_state_store_errors_total", [])
        ledger = QuotaLedger(
            store: store,
            options: QuotaLedgerOptions(
                syncInterval: .milliseconds(state.syncIntervalMilliseconds),
                failureMode: state.onStoreFailure == .closed ? .closed : .open),
            events: QuotaLedgerEvents(
                storeFailed: { reason in
                    errors.increment()
                    health.setStateStoreProblem("\(store.description): \(reason)")
                },
                storeRecovered: { health.setStateStoreProblem(nil) }),
            logger: logger)
        rules = Mutex(QuotaPlans.rules(of: configuration))
    }

    /// Opens the store, migrates it and loads its counts, then syncs in the background — when the configuration has
    /// a `state:` section or a quota (a gateway without quotas needs no writable state). Called at start and after
    /// each reload; starts at most once.
    func startIfNeeded(_ configuration: GatewayConfiguration) async {
        let plans = QuotaPlans.rules(of: configuration)
        rules.withLock { $0 = plans }
        guard configuration.state.isExplicit || !plans.isEmpty else { return }
        let first = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        if first {
            await ledger.start()
        }
    }

    /// SIGTERM, after the drain: writes every count taken, then closes the store.
    func stop() async {
        guard started.withLock({ $0 }) else { return }
        await ledger.flush()
        await ledger.close()
    }

    /// `GET /usage`: the ledger's counts of the current periods with the configured limits.
    func usageJSON() -> [UInt8] {
        let now = Date()
        let seconds = Int64(now.timeIntervalSince1970)
        let rules = rules.withLock { $0 }
        var firstSeen: [String: Int64] = [:]
        for plan in rules.keys {
            firstSeen[plan] = ledger.firstSeen(plan: plan)
        }
        return UsageReport(counts: ledger.usage(now: now), rules: rules, planFirstSeen: firstSeen, now: seconds).json()
    }
}
