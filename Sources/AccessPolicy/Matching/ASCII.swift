/// Allocation-free ASCII case-insensitive comparison for context key names and tag keys on the request path.
enum ASCII {
    static func caseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { WildcardPattern.fold($0) == WildcardPattern.fold($1) }
    }
}
