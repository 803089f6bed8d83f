import GatehouseBytes

/// Eight bytes at a time in a `UInt64` ("SIMD within a register"): lowercasing header names and finding a
/// delimiter cost one step per word instead of one per byte (hex digests: `Hex.write`). Words are little-endian
/// whatever the platform, so byte `i` of memory is bits `8i..<8i+8`.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Up to eight bytes from `start`, missing bytes zero.
    @inline(__always)
    static func load(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> UInt64 {
        if count == 8 {
            return UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + start).loadUnaligned(as: UInt64.self))
        }
        if count >= 4 {
            // Two overlapping 4-byte loads: the shared bytes are the same in both.
            let raw = UnsafeRawPointer(bytes.baseAddress! + start)
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            return low | high << (8 * UInt64(count - 4))
        }
        var word: UInt64 = 0
        for offset in 0..<count {
            word |= UInt64(bytes[start + offset]) << (8 * UInt64(offset))
        }
        return word
    }

    @inline(__always)
    static func store(_ word: UInt64, to pointer: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: word.littleEndian, as: UInt64.self)
    }

    /// ASCII `A`-`Z` lowercased in every byte; other bytes unchanged.
    @inline(__always)
    static func lowercased(_ word: UInt64) -> UInt64 {
        let low = word & ~highBits
        let atLeastA = low &+ (0x80 - 0x41) &* ones
        let aboveZ = low &+ (0x80 - 0x5b) &* ones
        let upper = atLeastA & ~aboveZ & ~word & highBits
        return word | (upper >> 2)
    }

    /// A high bit set in each byte of `word` equal to `byte`, and at least in the first one (the lowest flag is
    /// exact; flags above it may be false positives).
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (UInt64(byte) &* ones)
        return (x &- ones) & ~x & highBits
    }

    /// The first index of `byte` in `bytes[range]`, or nil.
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while range.upperBound - index >= 8 {
            let found = matches(load(bytes, from: index, count: 8), byte)
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < range.upperBound {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// Whether any byte of `bytes` is below 0x21: a control character or a space, which includes all whitespace.
    static func containsSpaceOrControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while bytes.count - index >= 8 {
            let word = load(bytes, from: index, count: 8)
            if (word &- 0x21 &* ones) & ~word & highBits != 0 { return true }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] < 0x21 { return true }
            index += 1
        }
        return false
    }

    /// Whether any byte of `bytes` is 0x80 or above (not ASCII).
    static func containsNonASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while bytes.count - index >= 8 {
            if load(bytes, from: index, count: 8) & highBits != 0 { return true }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return true }
            index += 1
        }
        return false
    }
}
