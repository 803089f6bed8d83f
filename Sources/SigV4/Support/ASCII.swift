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

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == 0x0a || byte == 0x0d
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// ASCII case-insensitive equality of two byte buffers.
    static func equalsIgnoringCase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lowercased(lhs[index]) != lowercased(rhs[index]) {
            return false
        }
        return true
    }

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

    /// Byte equality of two buffers (not constant time: for public values only).
    static func equals(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs[index] != rhs[index] {
            return false
        }
        return true
    }

    /// Byte equality of a buffer and a literal.
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        equals(bytes, UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// The range of `bytes` without leading and trailing whitespace.
    static func trimmedRange(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower && isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The string with leading and trailing spaces/tabs removed.
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
