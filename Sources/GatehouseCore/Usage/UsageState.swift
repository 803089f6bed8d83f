import GatehouseState
import NIOConcurrencyHelpers

/// Everything gates 7 and 8 keep between requests and across reloads: the token buckets of the gateway, stages, stage
/// routes and plan consumers, the quota ledger (`QuotaAccounting`) and the metrics they report to.
///
/// Made once by `GatewayApplication` and handed to every `SnapshotBuilder.build`, so a reload finds the buckets of
/// the stages, routes and plans that still exist (by name) and keeps their tokens. One lock guards all buckets:
/// gate 8 checks every bucket of a request and then takes from all of them, atomically, so a request refused by one
/// takes nothing from the others. The lock is held for a few arithmetic operations per request.
public final class UsageState: Sendable {
    /// The quota ledger; nil when no state store is configured (quotas are then not enforced).
    let accounting: (any QuotaAccounting)?
    let metrics: GatewayMetrics?
    let lock = NIOLock()
    /// Buckets counted for all callers together, by level and name; only touched under `lock`.
    private let shared = NIOLockedValueBox<[String: TokenBucket]>([:])
    private let plans = NIOLockedValueBox<[String: PlanState]>([:])

    public init(accounting: (any QuotaAccounting)? = nil, metrics: GatewayMetrics? = nil) {
        self.accounting = accounting
        self.metrics = metrics
    }

    /// The bucket of a gateway, stage or stage route throttle, made on first use and kept while its name is
    /// configured (called while building a snapshot).
    func sharedBucket(_ level: ThrottleLevel, _ names: String...) -> TokenBucket {
        let key = ([level.rawValue] + names).joined(separator: "\u{0}")
        return shared.withLockedValue { buckets in
            if let bucket = buckets[key] { return bucket }
            let bucket = TokenBucket()
            buckets[key] = bucket
            return bucket
        }
    }

    /// A plan's consumer state, by plan id (called while building a snapshot).
    func planState(_ id: String) -> PlanState {
        plans.withLockedValue { plans in
            if let plan = plans[id] { return plan }
            let plan = PlanState(id: id)
            plans[id] = plan
            return plan
        }
    }

    /// How many instances share `scope: fleet` throttles (1 without a shared store).
    var liveInstances: Int {
        max(1, accounting?.liveInstances ?? 1)
    }
}
