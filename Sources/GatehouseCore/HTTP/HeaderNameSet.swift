import GatehouseBytes

/// A fixed set of header names matched case-insensitively without lower-casing or hashing the name looked up.
///
/// Every header of every request and response is checked against the hop-by-hop and reserved sets on its way
/// through the proxy; `lowercased()` plus a `Set` lookup per header cost more than the rest of the copy. Names are
/// grouped by length, so a lookup compares bytes with the one or two names of the same length, if any. Names compare
/// case-insensitively in ASCII only (RFC 9110 §5.1), by `ASCII.equalsIgnoringCase`.
struct HeaderNameSet: Sendable {
    /// Lower-case names as bytes, indexed by their length.
    private let namesByLength: [[[UInt8]]]

    init<Names: Sequence<String>>(_ names: Names) {
        var byLength: [[[UInt8]]] = []
        for name in names {
            let bytes = name.utf8.map(ASCII.lowercased)
            while byLength.count <= bytes.count { byLength.append([]) }
            if !byLength[bytes.count].contains(bytes) { byLength[bytes.count].append(bytes) }
        }
        namesByLength = byLength
    }

    func contains(_ name: String) -> Bool {
        contains(bytes: name.utf8)
    }

    func contains<Name: Collection<UInt8>>(bytes name: Name) -> Bool {
        let length = name.count
        guard length < namesByLength.count else { return false }
        return namesByLength[length].contains { ASCII.equalsIgnoringCase(name, $0) }
    }
}
