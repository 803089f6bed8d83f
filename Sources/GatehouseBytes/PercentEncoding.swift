/// RFC 3986 percent-encoding on bytes: the one reading of `%XX` for the request path, SigV4's canonical query, the
/// presigned-query filter and log lines. The gateway must decode a name the same way where it checks it and where it
/// forwards it (a filter that reads `X%2DAmz-Signature` differently from the verifier would forward a credential).
public enum PercentEncoding {
    /// RFC 3986 §2.3 `unreserved`: `A-Z a-z 0-9 - . _ ~`, the bytes that never need escaping.
    @inlinable @inline(__always)
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39, 0x2d, 0x2e, 0x5f, 0x7e: return true
        default: return false
        }
    }

    /// The value of the escape at `index` (where `bytes[index]` is `%`): nil unless two hex digits follow before
    /// `end`.
    @inlinable @inline(__always)
    public static func escapedByte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> UInt8? {
        guard end - index >= 3 else { return nil }
        return Hex.byte(high: bytes[index + 1], low: bytes[index + 2])
    }

    /// The byte at `index` with a valid `%XX` decoded, and the index after it. An invalid escape stays a literal
    /// `%`, and `+` stays a plus: SigV4's reading of a query, which is not form-encoded.
    @inlinable @inline(__always)
    public static func decodedByte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (UInt8, Int) {
        let byte = bytes[index]
        if byte == ASCII.percent, let decoded = escapedByte(bytes, at: index, end: end) {
            return (decoded, index + 3)
        }
        return (byte, index + 1)
    }

    /// The bytes with every valid `%XX` decoded (see `decodedByte`).
    public static func decoded(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let (byte, next) = decodedByte(bytes, at: index, end: bytes.count)
            out.append(byte)
            index = next
        }
        return out
    }

    /// Whether the bytes of `range`, each valid `%XX` decoded (see `decodedByte`), are exactly `wanted`: a query
    /// parameter's name compared as the SigV4 verifier reads it, without decoding it into a copy.
    @inlinable
    public static func decodedEquals(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ wanted: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        // Decoding never lengthens, so a shorter range cannot match.
        guard range.count >= wanted.count else { return false }
        var index = range.lowerBound
        var position = 0
        while index < range.upperBound {
            let (byte, next) = decodedByte(bytes, at: index, end: range.upperBound)
            guard position < wanted.count, wanted[position] == byte else { return false }
            position += 1
            index = next
        }
        return position == wanted.count
    }

    /// Appends `%XX` for `byte`, with uppercase hex digits (RFC 3986 §2.1 recommends them; SigV4 requires them).
    @inlinable @inline(__always)
    public static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(ASCII.percent)
        Hex.appendUppercase(byte: byte, to: &out)
    }

    /// `bytes` as text with every byte for which `isKept` is false written as `%XX`.
    @inlinable
    public static func encoded<Bytes: Collection<UInt8>>(_ bytes: Bytes, keeping isKept: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for byte in bytes {
            if isKept(byte) {
                out.append(byte)
            } else {
                appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
