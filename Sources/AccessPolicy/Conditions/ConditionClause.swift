/// One operator applied to one key: the unit a Condition block is made of (all clauses are ANDed).
///
/// Semantics follow the IAM documentation:
/// - several policy values are ORed; a negated operator (`StringNotEquals`, `NotIpAddress`, ...) is true when
///   the request value matches none of them;
/// - a missing key makes a positive operator false and a negated operator true; `...IfExists` makes it true;
/// - `ForAnyValue` needs one request value to satisfy the operator (absent → false), `ForAllValues` needs
///   every value to (absent or empty → true);
/// - `Null: true` holds when the key is absent, `Null: false` when it is present.
struct ConditionClause: Sendable {
    let op: ConditionOperator
    let key: ContextKey
    let test: ConditionTest

    func evaluate(_ facts: RequestFacts) -> Bool {
        let values = facts.lookup(key)
        if case .null(let mustBeAbsent) = test {
            return values.isAbsent == mustBeAbsent
        }
        if values.isAbsent {
            if op.ifExists { return true }
            switch op.qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case nil: return op.negated
            }
        }
        let negated = op.negated
        switch op.qualifier {
        case nil:
            let any = values.contains { test.matches($0, facts) }
            return negated ? !any : any
        case .forAnyValue:
            return values.contains { test.matches($0, facts) != negated }
        case .forAllValues:
            return values.allSatisfy { test.matches($0, facts) != negated }
        }
    }
}
