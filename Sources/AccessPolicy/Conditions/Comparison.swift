/// The ordering tests of the `Numeric*` and `Date*` operators: `request OP policy value`.
enum Comparison: Sendable {
    case equals
    case lessThan
    case lessThanEquals
    case greaterThan
    case greaterThanEquals

    @inline(__always)
    func holds<T: Comparable>(_ request: T, _ policy: T) -> Bool {
        switch self {
        case .equals: request == policy
        case .lessThan: request < policy
        case .lessThanEquals: request <= policy
        case .greaterThan: request > policy
        case .greaterThanEquals: request >= policy
        }
    }
}
