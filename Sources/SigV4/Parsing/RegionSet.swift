import GatehouseBytes

/// A SigV4a region set (`X-Amz-Region-Set`): comma-separated region names in which `*` matches any run of
/// characters (`*`, `us-*`), compared without regard to ASCII case. Matched by the shared linear-time matcher: the
/// set is attacker-controlled and checked before the key lookup.
enum RegionSet {
    /// How many bytes of a region set an error message quotes back: the header may be as long as the whole head
    /// (`max_header_bytes`), and an error should not echo a client's megabyte.
    static let echoedBytes = 128

    /// `regionSet` as an error message quotes it: whole when it has at most `echoedBytes` bytes, otherwise its first
    /// `echoedBytes` bytes, cut back to a character boundary, and `…`.
    static func echoed(_ regionSet: String) -> String {
        let utf8 = regionSet.utf8
        guard utf8.count > echoedBytes else { return regionSet }
        var end = utf8.index(utf8.startIndex, offsetBy: echoedBytes)
        // Never split a multi-byte character: back off UTF-8 continuation bytes (10xxxxxx).
        while end > utf8.startIndex, utf8[end] & 0xc0 == 0x80 { utf8.formIndex(before: &end) }
        return String(decoding: utf8[..<end], as: UTF8.self) + "…"
    }

    /// Whether an entry of `regionSet` matches `region`.
    static func includes(_ regionSet: String, region: String) -> Bool {
        regionSet.split(separator: ",").contains { entry in
            WildcardPattern(ASCII.trimmed(entry), caseInsensitive: true, questionMark: false).matches(region)
        }
    }
}
