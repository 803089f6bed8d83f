import GatehouseBytes

/// SigV4's text forms of the shared ASCII rules: header names against lowercase literals, trimming of
/// `Substring`s and `TextSlice`s.
extension ASCII {
    /// Whether `name`, in any case, is `lowercase` (a lowercase literal such as a header name).
    static func isNamed(_ name: String, _ lowercase: StaticString) -> Bool {
        guard name.utf8.count == lowercase.utf8CodeUnitCount else { return false }
        return UTF8Bytes.with(name) { bytes in
            let literal = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
            for index in 0..<bytes.count where lowercased(bytes[index]) != literal[index] {
                return false
            }
            return true
        }
    }

    /// The string with leading and trailing whitespace removed.
    static func trimmed(_ text: Substring) -> Substring {
        let range = UTF8Bytes.with(text) { trimmedRange($0, 0..<$0.count) }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        return Substring(utf8[start..<utf8.index(start, offsetBy: range.count)])
    }

    /// The slice without leading and trailing whitespace.
    static func trimmed(_ text: TextSlice) -> TextSlice {
        text.slice(text.withBytes { trimmedRange($0, 0..<$0.count) })
    }
}
