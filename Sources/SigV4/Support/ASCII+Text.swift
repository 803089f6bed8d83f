import GatehouseBytes

/// SigV4's text forms of the shared ASCII rules: trimming of
/// `Substring`s and `TextSlice`s.
extension ASCII {
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
