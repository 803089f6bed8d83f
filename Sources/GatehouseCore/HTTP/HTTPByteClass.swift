/// The byte classes of RFC 9110/9112's request grammar, looked up in one 256-entry table so each byte costs one load.
///
/// Shared by the head parser and the chunked-body decoder, so a field line in a trailer obeys the same rules as one
/// in the head.
enum HTTPByteClass {
    private static let tcharBit: UInt8 = 1
    private static let fieldValueBit: UInt8 = 2
    private static let targetBit: UInt8 = 4
    private static let hexBit: UInt8 = 8

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        let punctuation = Array("!#$%&'*+-.^_`|~".utf8)
        for byte in 0..<256 {
            let b = UInt8(byte)
            var bits: UInt8 = 0
            let isDigit = b >= 0x30 && b <= 0x39
            let isAlpha = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            if isDigit || isAlpha || punctuation.contains(b) { bits |= tcharBit }
            // field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value (RFC 9110 §5.5).
            if (b >= 0x21 && b <= 0x7E) || b >= 0x80 || b == 0x20 || b == 0x09 { bits |= fieldValueBit }
            // A request-target is visible ASCII only: no spaces, controls, DEL or non-ASCII (RFC 3986 characters).
            if b >= 0x21 && b <= 0x7E { bits |= targetBit }
            if isDigit || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66) { bits |= hexBit }
            table[byte] = bits
        }
        return table
    }()

    /// RFC 9110 §5.6.2 `tchar`: the bytes of a method or a field name.
    @inline(__always)
    static func isTchar(_ byte: UInt8) -> Bool { table[Int(byte)] & tcharBit != 0 }

    /// A byte allowed in a field value: VCHAR, obs-text (0x80–0xFF), SP or HTAB.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool { table[Int(byte)] & fieldValueBit != 0 }

    /// A byte allowed in a request-target: visible ASCII.
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool { table[Int(byte)] & targetBit != 0 }

    @inline(__always)
    static func isHexDigit(_ byte: UInt8) -> Bool { table[Int(byte)] & hexBit != 0 }

    /// The value of a hex digit (only called on one).
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int {
        byte <= 0x39 ? Int(byte - 0x30) : Int((byte | 0x20) - 0x61 + 10)
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
}
