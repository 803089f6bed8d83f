/// Byte-level ASCII rules shared by the parsers (SigV4, the policy language, PKI patterns, configuration): they work
/// on UTF-8 bytes rather than Characters, for speed and because the protocols they implement are byte-exact.
///
/// Case folding is ASCII only (`A`–`Z`), which is what HTTP field names, SigV4 and IAM action names need; a
/// non-ASCII byte is never folded, so folding never changes the length or validity of UTF-8 text.
public enum ASCII {
    public static let tab: UInt8 = 0x09
    public static let newline: UInt8 = 0x0a
    public static let carriageReturn: UInt8 = 0x0d
    public static let space: UInt8 = 0x20
    public static let ampersand: UInt8 = 0x26
    public static let star: UInt8 = 0x2a
    public static let comma: UInt8 = 0x2c
    public static let dot: UInt8 = 0x2e
    public static let slash: UInt8 = 0x2f
    public static let colon: UInt8 = 0x3a
    public static let semicolon: UInt8 = 0x3b
    public static let equals: UInt8 = 0x3d
    public static let questionMark: UInt8 = 0x3f
    public static let percent: UInt8 = 0x25

    /// Space, tab, CR or LF.
    @inlinable @inline(__always)
    public static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == newline || byte == carriageReturn
    }

    @inlinable @inline(__always)
    public static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    /// The byte with `A`–`Z` mapped to `a`–`z`; every other byte unchanged.
    @inlinable @inline(__always)
    public static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// An RFC 9110 §5.6.2 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~`` (what methods and field names are
    /// made of). The HTTP head parser calls it on every byte of every method and field name, so it is a bit test
    /// in two constant words: no table to load, no branch on the byte's class.
    @inlinable @inline(__always)
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        // Bit n of the first word is byte n (0x00–0x3f), of the second byte 0x40 + n (0x40–0x7f).
        let bits: UInt64 = byte < 0x40 ? 0x03FF_6CFA_0000_0000 : 0x57FF_FFFF_C7FF_FFFE
        return byte < 0x80 && (bits >> UInt64(byte & 0x3f)) & 1 != 0
    }

    /// Whether `text` is a non-empty RFC 9110 token (a method or a field name).
    public static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// Byte equality of two buffers (not constant time: for public values only).
    @inlinable
    public static func equals(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs[index] != rhs[index] {
            return false
        }
        return true
    }

    /// Byte equality of a buffer and a literal.
    @inlinable
    public static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        equals(bytes, UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// ASCII case-insensitive equality of two byte buffers.
    @inlinable
    public static func equalsIgnoringCase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lowercased(lhs[index]) != lowercased(rhs[index]) {
            return false
        }
        return true
    }

    /// ASCII case-insensitive equality of two byte collections (header names in a parsed head, UTF-8 views).
    @inlinable
    public static func equalsIgnoringCase<Left: Collection<UInt8>, Right: Collection<UInt8>>(
        _ lhs: Left, _ rhs: Right
    ) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// ASCII case-insensitive equality of two strings, without allocating.
    @inlinable
    public static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        equalsIgnoringCase(lhs.utf8, rhs.utf8)
    }

    /// The range of `bytes` within `range` without leading and trailing whitespace.
    @inlinable
    public static func trimmedRange(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower && isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The value of a run of decimal digits; nil when it is empty, holds anything but `0`–`9`, or has more than 18
    /// digits (so it cannot overflow).
    @inlinable
    public static func decimal<Digits: Collection>(_ digits: Digits) -> Int? where Digits.Element == UInt8 {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte &- 0x30)
        }
        return value
    }

    /// Appends `value` in decimal, its digits left-padded with zeros to at least `width` (a negative value gets a
    /// `-` before them).
    public static func appendDecimal(_ value: Int, width: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2d) }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let count = max(digits, width)
        let start = out.count
        out.append(contentsOf: repeatElement(0x30, count: count))
        var index = start + count - 1
        while magnitude > 0 {
            out[index] = UInt8(0x30 + magnitude % 10)
            magnitude /= 10
            index -= 1
        }
    }
}
