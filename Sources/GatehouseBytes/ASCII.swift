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
    /// made of).
    @inlinable
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2a, 0x2b, 0x2d, 0x2e, 0x5e, 0x5f, 0x60, 0x7c, 0x7e: return true
        default: return false
        }
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

    /// ASCII case-insensitive equality of two strings, without allocating.
    @inlinable
    public static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { lowercased($0) == lowercased($1) }
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
