/// The `SignedHeaders` value, `host;x-amz-date`, read in place: names are compared ASCII case-insensitively
/// rather than lowercased into new strings.
enum SignedHeaderList {
    /// No empty name and no whitespace: `a;;b`, `a; b` and the empty list are refused.
    static func isValid(_ list: Substring) -> Bool {
        UTF8Bytes.with(list) { bytes in
            var nameLength = 0
            for byte in bytes {
                if byte == ASCII.semicolon {
                    guard nameLength > 0 else { return false }
                    nameLength = 0
                } else {
                    guard !ASCII.isWhitespace(byte) else { return false }
                    nameLength += 1
                }
            }
            return nameLength > 0
        }
    }

    /// Whether the list names `name` (a lowercase literal), in any case.
    static func contains(_ list: Substring, _ name: StaticString) -> Bool {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return UTF8Bytes.with(list) { bytes in
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == ASCII.semicolon {
                if ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[start..<index]), wanted) { return true }
                start = index + 1
            }
            return false
        }
    }
}
