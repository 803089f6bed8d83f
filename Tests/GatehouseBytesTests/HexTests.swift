import GatehouseBytes
import Testing

@Suite struct HexTests {
    @Test func encodesLowercase() {
        #expect(Hex.string([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.string([UInt8]()) == "")
        var out: [UInt8] = []
        Hex.append(byte: 0x7f, to: &out)
        #expect(out == Array("7f".utf8))
    }

    @Test func digitsOfEveryNibble() {
        let lower = Array("0123456789abcdef".utf8)
        let upper = Array("0123456789ABCDEF".utf8)
        for nibble in UInt8(0)..<16 {
            #expect(Hex.lowerDigit(nibble) == lower[Int(nibble)])
            #expect(Hex.upperDigit(nibble) == upper[Int(nibble)])
            #expect(Hex.nibble(lower[Int(nibble)]) == nibble)
            #expect(Hex.nibble(upper[Int(nibble)]) == nibble)
        }
        for byte in UInt8.min...UInt8.max where !lower.contains(byte) && !upper.contains(byte) {
            #expect(Hex.nibble(byte) == nil, "byte \(byte)")
        }
    }

    @Test func byteFromTwoDigits() {
        #expect(Hex.byte(high: UInt8(ascii: "2"), low: UInt8(ascii: "f")) == 0x2f)
        #expect(Hex.byte(high: UInt8(ascii: "F"), low: UInt8(ascii: "e")) == 0xfe)
        #expect(Hex.byte(high: UInt8(ascii: "0"), low: UInt8(ascii: "0")) == 0)
        #expect(Hex.byte(high: UInt8(ascii: "g"), low: UInt8(ascii: "0")) == nil)
        #expect(Hex.byte(high: UInt8(ascii: "0"), low: UInt8(ascii: "G")) == nil)
        #expect(Hex.byte(high: UInt8(ascii: "%"), low: UInt8(ascii: "1")) == nil)
        for byte in UInt8.min...UInt8.max {
            var upper: [UInt8] = []
            Hex.appendUppercase(byte: byte, to: &upper)
            #expect(Hex.byte(high: upper[0], low: upper[1]) == byte)
            #expect(String(decoding: upper, as: UTF8.self) == Hex.string([byte]).uppercased())
        }
    }

    @Test func decodesEitherCaseAndRefusesBadInput() {
        #expect(Hex.decode(Array("00ffA5".utf8)) == [0x00, 0xff, 0xa5])
        #expect(Hex.decode(Array("".utf8)) == [])
        #expect(Hex.decode(Array("abc".utf8)) == nil)
        #expect(Hex.decode(Array("zz".utf8)) == nil)
    }

    /// The word-at-a-time writer agrees with the byte-at-a-time encoder for every length and every byte value.
    @Test func wordAtATimeWriterMatchesBytewise() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            var bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            if length == 64 { bytes = Array(UInt8.min...UInt8.max).suffix(64) }
            let expected = bytes.map { byte in
                [Hex.lowerDigit(byte >> 4), Hex.lowerDigit(byte & 0x0f)]
            }.flatMap { $0 }
            let written = [UInt8](unsafeUninitializedCapacity: 2 * length) { buffer, count in
                bytes.withUnsafeBytes { Hex.write($0, to: buffer.baseAddress!) }
                count = 2 * length
            }
            #expect(written == expected, "length \(length)")
        }
        let all = Array(UInt8.min...UInt8.max)
        let written = [UInt8](unsafeUninitializedCapacity: 512) { buffer, count in
            all.withUnsafeBytes { Hex.write($0, to: buffer.baseAddress!) }
            count = 512
        }
        #expect(String(decoding: written, as: UTF8.self) == Hex.string(all))
    }

    @Test func lowercaseHashForm() {
        let hash = String(repeating: "0123456789abcdef", count: 4)
        #expect(Hex.isLowercase(Array(hash.utf8), count: 64))
        #expect(!Hex.isLowercase(Array(hash.uppercased().utf8), count: 64))
        #expect(!Hex.isLowercase(Array(hash.dropLast().utf8), count: 64))
        #expect(!Hex.isLowercase(Array((hash.dropLast() + "g").utf8), count: 64))
    }
}
