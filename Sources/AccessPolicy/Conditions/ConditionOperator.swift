/// A condition operator name taken apart: `ForAllValues:StringNotLikeIfExists` is the base `StringLike`,
/// negated, with `IfExists`, under the `ForAllValues` set qualifier.
///
/// Names are case-sensitive, as IAM's are; an unknown name is a load error, never an ignored block.
struct ConditionOperator: Hashable, Sendable {
    /// The operator families; negated spellings map onto their positive base.
    enum Base: String, CaseIterable, Sendable {
        case stringEquals = "StringEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringLike = "StringLike"
        case numericEquals = "NumericEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case ipAddress = "IpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case null = "Null"
    }

    let base: Base
    let negated: Bool
    let ifExists: Bool
    let qualifier: SetQualifier?
    /// The name as written in the policy.
    let name: String

    /// Every base name IAM spells, negated forms included, for parsing and "did you mean" hints.
    private static let spellings: [String: (Base, negated: Bool)] = {
        var table: [String: (Base, negated: Bool)] = [:]
        for base in Base.allCases { table[base.rawValue] = (base, false) }
        table["StringNotEquals"] = (.stringEquals, true)
        table["StringNotEqualsIgnoreCase"] = (.stringEqualsIgnoreCase, true)
        table["StringNotLike"] = (.stringLike, true)
        table["NumericNotEquals"] = (.numericEquals, true)
        table["DateNotEquals"] = (.dateEquals, true)
        table["NotIpAddress"] = (.ipAddress, true)
        table["ArnNotEquals"] = (.arnEquals, true)
        table["ArnNotLike"] = (.arnLike, true)
        return table
    }()

    /// Parses an operator name.
    /// - Throws: a message naming the operator (and the correct spelling when only the case is wrong).
    init(_ name: String) throws(PatternError) {
        self.name = name
        var rest = Substring(name)
        var qualifier: SetQualifier?
        for candidate in SetQualifier.allCases where rest.hasPrefix(candidate.rawValue + ":") {
            qualifier = candidate
            rest = rest.dropFirst(candidate.rawValue.count + 1)
        }
        var ifExists = false
        if rest.hasSuffix("IfExists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        guard let (base, negated) = Self.spellings[String(rest)] else {
            let lowered = rest.lowercased()
            let hint = Self.spellings.keys.first { $0.lowercased() == lowered }
            throw PatternError(
                "unknown condition operator \"\(name)\""
                    + (hint.map { " (operator names are case-sensitive: \"\($0)\")" } ?? ""))
        }
        if base == .null && (ifExists || qualifier != nil) {
            throw PatternError("condition operator \"\(name)\" is not valid: Null takes no IfExists or set qualifier")
        }
        self.base = base
        self.negated = negated
        self.ifExists = ifExists
        self.qualifier = qualifier
    }
}
