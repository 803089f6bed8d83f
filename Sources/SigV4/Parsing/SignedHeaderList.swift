import GatehouseBytes

/// The `SignedHeaders` value, `host;x-amz-date`, read in place: names are compared ASCII case-insensitively
/// rather than lowercased into new strings.
///
/// The list is client input that sizes the canonical request (each name's line holds every value of that header),
/// so it is bounded here, before anything is built: at most ``maxNames`` names, none twice.
struct SignedHeaderList: Sendable {
    /// More names than any real client signs; a longer list is refused.
    static let maxNames = 64

    /// What makes a list unusable.
    enum Defect: Sendable, Equatable {
        /// An empty name or whitespace: `a;;b`, `a; b`, the empty list.
        case malformed
        /// More than ``SignedHeaderList/maxNames`` names.
        case tooManyNames
        /// A name given twice (in any case); the name, lowercased, when it is short enough to quote.
        case repeatedName(String?)
    }

    /// The `;`-separated names as sent.
    let text: TextSlice
    /// Nil when the list is usable.
    let defect: Defect?
    /// Whether `host` is signed (required).
    let signsHost: Bool
    /// Whether `x-amz-region-set` is signed (SigV4a header form).
    let signsRegionSet: Bool

    /// A name already read: its key, and where it is for comparing long names byte by byte.
    private typealias Seen = (key: HeaderNameKey, range: Range<Int>)
    /// Lists up to this long (nearly all) are checked with their keys in a buffer small enough for the stack.
    private static let namesOnStack = 16

    /// Checks the list and notes the names the verifier asks about, in one pass. Each name is compared with the
    /// ones before it as `HeaderNameKey`s (integers, then bytes for long names): at most ``maxNames`` of them, so
    /// the check costs O(length) plus a bounded constant.
    init(_ text: TextSlice) {
        self.text = text
        (defect, signsHost, signsRegionSet) = text.withBytes { bytes in
            withUnsafeTemporaryAllocation(of: Seen.self, capacity: Self.namesOnStack) { Self.scan(bytes, $0) }
                ?? withUnsafeTemporaryAllocation(of: Seen.self, capacity: Self.maxNames) { Self.scan(bytes, $0)! }
        }
    }

    /// The list's defect and whether it signs `host` and `x-amz-region-set`; nil when it has more names than
    /// `seen` holds but no more than ``maxNames`` (the caller then scans again with room for all of them).
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ seen: UnsafeMutableBufferPointer<Seen>)
        -> (Defect?, Bool, Bool)?
    {
        var defect: Defect? =
            SWAR.containsSpaceOrControl(bytes) && bytes.contains(where: ASCII.isWhitespace) ? .malformed : nil
        var host = false
        var regionSet = false
        var count = 0
        var start = 0
        while start <= bytes.count {
            guard count < seen.count else {
                return seen.count < maxNames ? nil : (defect ?? .tooManyNames, host, regionSet)
            }
            let index = SWAR.firstIndex(of: ASCII.semicolon, in: bytes, start..<bytes.count) ?? bytes.count
            let range = start..<index
            let name = UnsafeBufferPointer(rebasing: bytes[range])
            start = index + 1
            switch name.count {
            case 0: defect = defect ?? .malformed
            case 4: host = host || ASCII.equalsIgnoringCase(name, literal("host"))
            case 16: regionSet = regionSet || ASCII.equalsIgnoringCase(name, literal("x-amz-region-set"))
            default: break
            }
            let key = HeaderNameKey(name)
            if defect == nil,
                seen[0..<count].contains(where: {
                    $0.key == key
                        && (key.isExact
                            || ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[$0.range]), name))
                })
            {
                defect = .repeatedName(
                    name.count <= 64 ? String(decoding: name.map(ASCII.lowercased), as: UTF8.self) : nil)
            }
            (seen.baseAddress! + count).initialize(to: (key, range))
            count += 1
        }
        return (defect, host, regionSet)
    }

    private static func literal(_ text: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }
}
