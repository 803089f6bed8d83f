import GatehouseBytes

/// One statement compiled for evaluation: every pattern, CIDR, date and number already parsed.
struct PolicyStatement: Sendable {
    /// The `Sid`, or `statement N` (1-based) when there is none.
    let label: String
    let effect: Effect
    let principals: PrincipalSet
    /// True for `NotPrincipal`.
    let principalsNegated: Bool
    /// Action patterns, compared case-insensitively.
    let actions: [WildcardPattern]
    /// True for `NotAction`.
    let actionsNegated: Bool
    let resources: [ARNPattern]
    /// True for `NotResource`.
    let resourcesNegated: Bool
    /// ANDed.
    let conditions: [ConditionClause]

    /// Whether this statement applies to the request (its effect then counts).
    func applies(principal: String?, action: String, resource: String, facts: RequestFacts) -> Bool {
        guard principals.contains(principal) != principalsNegated else { return false }
        var actionMatched = false
        for pattern in actions where pattern.matches(action) {
            actionMatched = true
            break
        }
        guard actionMatched != actionsNegated else { return false }
        var resourceMatched = false
        for pattern in resources where pattern.matches(resource, facts) {
            resourceMatched = true
            break
        }
        guard resourceMatched != resourcesNegated else { return false }
        for condition in conditions where !condition.evaluate(facts) { return false }
        return true
    }
}
