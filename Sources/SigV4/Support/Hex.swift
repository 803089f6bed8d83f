/// Lowercase hex encoding and decoding on bytes, without Foundation, because signatures and hashes are hex on the
/// wire and this runs on every request.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the lowercase hex form of `bytes` to `out`.
    static func append<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
    }

    /// The lowercase hex form of `bytes` as a String.
    static func string<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); nil for odd length or a non-hex character.
    static func decode<S: Collection>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
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

    /// True when `text` is exactly 64 lowercase hex characters, the form of a SHA-256 hash in SigV4.
    static func isLowercaseSHA256<S: Collection>(_ text: S) -> Bool where S.Element == UInt8 {
        guard text.count == 64 else { return false }
        return text.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case 0x30...0x39: return char - 0x30
        case 0x61...0x66: return char - 0x61 + 10
        case 0x41...0x46: return char - 0x41 + 10
        default: return nil
        }
    }
}
