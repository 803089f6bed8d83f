import Foundation
import IPNetwork

/// The policy values of one condition, parsed for their operator at load time (CIDRs, dates, numbers,
/// wildcard patterns), and the positive test of one request value against them (values are ORed).
enum ConditionTest: Sendable {
    case string([StringPattern])
    case numeric(Comparison, [Double])
    case date(Comparison, [Date])
    case bool([Bool])
    case ip([CIDR])
    case arn([ARNPattern])
    /// `Null`: true means "the key must be absent".
    case null(Bool)

    /// True when `value` satisfies the positive operator for at least one policy value.
    func matches(_ value: ContextValue, _ facts: RequestFacts) -> Bool {
        switch self {
        case .string(let patterns):
            let text = value.text
            for pattern in patterns where pattern.matches(text, facts) { return true }
            return false
        case .numeric(let comparison, let numbers):
            guard let number = value.number else { return false }
            for policy in numbers where comparison.holds(number, policy) { return true }
            return false
        case .date(let comparison, let dates):
            guard let date = value.date else { return false }
            for policy in dates where comparison.holds(date, policy) { return true }
            return false
        case .bool(let bools):
            guard let bool = value.bool else { return false }
            return bools.contains(bool)
        case .ip(let blocks):
            guard let address = value.ipAddress else { return false }
            for block in blocks where block.contains(address) { return true }
            return false
        case .arn(let patterns):
            let text = value.text
            for pattern in patterns where pattern.matches(text, facts) { return true }
            return false
        case .null:
            return false
        }
    }
}
