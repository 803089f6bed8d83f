import Crypto

/// Lowercase hex encoding and decoding on bytes, without Foundation, because signatures and hashes are hex on the
/// wire and this runs on every request.
enum Hex {
    /// The lowercase hex digit of a nibble (0...15).
    @inline(__always)
    static func lowerDigit(_ nibble: UInt8) -> UInt8 {
        let digits: StaticString = "0123456789abcdef"
        return digits.utf8Start[Int(nibble)]
    }

    /// Appends the lowercase hex form of `bytes` to `out`.
    static func append<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
        for byte in bytes {
            out.append(lowerDigit(byte >> 4))
            out.append(lowerDigit(byte & 0x0f))
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

    @inline(__always)
    static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case 0x30...0x39: return char - 0x30
        case 0x61...0x66: return char - 0x61 + 10
        case 0x41...0x46: return char - 0x41 + 10
        default: return nil
        }
    }
}

extension Hex {
    /// The lowercase hex form of `bytes` at `out` (`2 * bytes.count` bytes), four input bytes per step.
    static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        var index = 0
        while bytes.count - index >= 4 {
            let word = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            SWAR.store(SWAR.hex(word), to: out + 2 * index)
            index += 4
        }
        while index < bytes.count {
            out[2 * index] = lowerDigit(bytes[index] >> 4)
            out[2 * index + 1] = lowerDigit(bytes[index] & 0x0f)
            index += 1
        }
    }

    /// The lowercase hex form of a digest in a stack buffer, for comparing or hashing without an allocation.
    static func withLowercase<D: Digest, R>(_ digest: D, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        digest.withUnsafeBytes { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { hex in
                write(bytes, to: hex.baseAddress!)
                return body(UnsafeBufferPointer(hex))
            }
        }
    }
}
