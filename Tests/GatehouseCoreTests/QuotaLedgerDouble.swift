import Foundation
import GatehouseState
import NIOConcurrencyHelpers

/// A test double of the quota ledger: counts per plan and consumer in memory, in one period that never ends, and can
/// be told the store is down. Only for gate 8's unit tests; the real ledger lives in GatehouseState.
final class QuotaLedgerDouble: QuotaAccounting {
    private let counts = NIOLockedValueBox<[String: Int64]>([:])
    private let down = NIOLockedValueBox(false)
    private let instances: Int
    static let resetsAt: Int64 = 1_800_000_000

    init(liveInstances: Int = 1) {
        self.instances = liveInstances
    }

    var liveInstances: Int { instances }

    func storeDown(_ value: Bool) {
        down.withLockedValue { $0 = value }
    }

    func count(plan: String, consumer: String) -> Int64 {
        counts.withLockedValue { $0[plan + "/" + consumer] ?? 0 }
    }

    func admit(plan: String, consumer: String, rule: QuotaRule, now: Date) -> QuotaDecision {
        if down.withLockedValue({ $0 }) {
            return QuotaDecision(outcome: .storeUnavailable, remaining: 0, limit: rule.limit, resetsAt: Self.resetsAt)
        }
        return counts.withLockedValue { counts in
            let used = counts[plan + "/" + consumer] ?? 0
            guard used < rule.limit else {
                return QuotaDecision(outcome: .exhausted, remaining: 0, limit: rule.limit, resetsAt: Self.resetsAt)
            }
            counts[plan + "/" + consumer] = used + 1
            return QuotaDecision(
                outcome: .admitted, remaining: rule.limit - used - 1, limit: rule.limit, resetsAt: Self.resetsAt)
        }
    }

    func peek(plan: String, consumer: String, rule: QuotaRule, now: Date) -> QuotaDecision {
        let used = count(plan: plan, consumer: consumer)
        return QuotaDecision(
            outcome: used < rule.limit ? .admitted : .exhausted, remaining: max(0, rule.limit - used),
            limit: rule.limit, resetsAt: Self.resetsAt)
    }
}
