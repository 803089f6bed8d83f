import GatehouseBytes

/// A SigV4a region set (`X-Amz-Region-Set`): comma-separated region names in which `*` matches any run of
/// characters (`*`, `us-*`), compared without regard to ASCII case. Matched by the shared linear-time matcher: the
/// set is attacker-controlled and checked before the key lookup.
enum RegionSet {
    /// Whether an entry of `regionSet` matches `region`.
    static func includes(_ regionSet: String, region: String) -> Bool {
        regionSet.split(separator: ",").contains { entry in
            WildcardPattern(ASCII.trimmed(entry), caseInsensitive: true, questionMark: false).matches(region)
        }
    }
}
