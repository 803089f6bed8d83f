/// Byte-level ASCII helpers used by the parsers, which work on UTF-8 bytes rather than Characters for speed and
/// to match the byte-exact rules of SigV4.
enum ASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let slash: UInt8 = 0x2f
    static let equals: UInt8 = 0x3d
    static let ampersand: UInt8 = 0x26
    static let comma: UInt8 = 0x2c
    static let colon: UInt8 = 0x3a
    static let semicolon: UInt8 = 0x3b
    static let newline: UInt8 = 0x0a
    static let percent: UInt8 = 0x25
    static let dot: UInt8 = 0x2e

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == 0x0a || byte == 0x0d
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte
    }

    /// ASCII case-insensitive equality of two UTF-8 strings (header names).
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        // The length check first: most header names differ in length, and it is O(1) for native strings.
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where lowercased(a) != lowercased(b) {
            return false
        }
        return true
    }

    /// The string with leading and trailing spaces/tabs removed.
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isWhitespace($0) }) else { return text[text.endIndex...] }
        let last = utf8.lastIndex(where: { !isWhitespace($0) })!
        return Substring(utf8[first...last])
    }
}
