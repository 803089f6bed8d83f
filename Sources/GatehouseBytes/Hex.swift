/// The one hex encoder and decoder: SigV4 signatures and hashes, certificate fingerprints, request ids, escapes in
/// log lines and distinguished names. No Foundation; the digest path works a word at a time because it runs several
/// times on every signed request.
public enum Hex {
    /// The lowercase hex digit of a nibble (0...15).
    @inlinable @inline(__always)
    public static func lowerDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble
    }

    /// The uppercase hex digit of a nibble (0...15), as percent-encoding writes it.
    @inlinable @inline(__always)
    public static func upperDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 &+ nibble : 0x37 &+ nibble
    }

    /// The value of a hex digit in either case, nil for any other byte.
    @inlinable @inline(__always)
    public static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case 0x30...0x39: return char &- 0x30
        case 0x61...0x66: return char &- 0x61 &+ 10
        case 0x41...0x46: return char &- 0x41 &+ 10
        default: return nil
        }
    }

    /// The byte two hex digits spell, either case (`high` first, as in a `%XX` escape); nil when either is not a
    /// hex digit.
    @inlinable @inline(__always)
    public static func byte(high: UInt8, low: UInt8) -> UInt8? {
        guard let high = nibble(high), let low = nibble(low) else { return nil }
        return high << 4 | low
    }

    /// Appends the two uppercase hex digits of `byte` (the form percent-encoding writes).
    @inlinable @inline(__always)
    public static func appendUppercase(byte: UInt8, to out: inout [UInt8]) {
        out.append(upperDigit(byte >> 4))
        out.append(upperDigit(byte & 0x0f))
    }

    /// Appends the two lowercase hex digits of `byte`.
    @inlinable @inline(__always)
    public static func append(byte: UInt8, to out: inout [UInt8]) {
        out.append(lowerDigit(byte >> 4))
        out.append(lowerDigit(byte & 0x0f))
    }

    /// Appends the lowercase hex form of `bytes` to `out`.
    @inlinable
    public static func append<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        for byte in bytes {
            append(byte: byte, to: &out)
        }
    }

    /// The lowercase hex form of `bytes` as a String.
    @inlinable
    public static func string<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); nil for odd length or a non-hex character.
    public static func decode<S: Collection>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var high: UInt8 = 0
        var isHigh = true
        for char in text {
            guard let value = nibble(char) else { return nil }
            if isHigh {
                high = value
            } else {
                out.append(high << 4 | value)
            }
            isHigh.toggle()
        }
        return out
    }

    /// True when `text` is exactly `count` lowercase hex characters (64: the form of a SHA-256 hash in SigV4).
    @inlinable
    public static func isLowercase<S: Collection>(_ text: S, count: Int) -> Bool where S.Element == UInt8 {
        guard text.count == count else { return false }
        return text.allSatisfy { ($0 &- 0x30 < 10) || ($0 &- 0x61 < 6) }
    }

    /// The lowercase hex form of `bytes` at `out` (`2 * bytes.count` bytes), four input bytes per step.
    @inlinable
    public static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        var index = 0
        while bytes.count - index >= 4 {
            let word = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            UnsafeMutableRawPointer(out + 2 * index).storeBytes(of: digits(ofWord: word).littleEndian, as: UInt64.self)
            index += 4
        }
        while index < bytes.count {
            out[2 * index] = lowerDigit(bytes[index] >> 4)
            out[2 * index + 1] = lowerDigit(bytes[index] & 0x0f)
            index += 1
        }
    }

    /// The 8 lowercase hex digits of 4 bytes (`bytes` little-endian), in memory order when stored little-endian.
    @inlinable @inline(__always)
    public static func digits(ofWord bytes: UInt32) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // Byte i of the input to bytes 2i and 2i+1 (as a 16-bit lane).
        var spread = UInt64(bytes)
        spread = (spread | (spread << 16)) & 0x0000_FFFF_0000_FFFF
        spread = (spread | (spread << 8)) & 0x00FF_00FF_00FF_00FF
        // Each byte one nibble, high nibble first.
        let nibbles = ((spread >> 4) & 0x000F_000F_000F_000F) | ((spread & 0x000F_000F_000F_000F) << 8)
        let aboveNine = ((nibbles &+ 0x76 &* ones) >> 7) & ones
        return nibbles &+ 0x30 &* ones &+ aboveNine &* 39
    }
}
