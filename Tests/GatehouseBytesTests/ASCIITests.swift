import GatehouseBytes
import Testing

@Suite struct ASCIITests {
    @Test func lowercasingFoldsOnlyASCIILetters() {
        for byte in UInt8.min...UInt8.max {
            let expected: UInt8 = (0x41...0x5a).contains(byte) ? byte + 0x20 : byte
            #expect(ASCII.lowercased(byte) == expected, "byte \(byte)")
        }
    }

    @Test func tokenBytesAreRFC9110TChars() {
        let tchars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(ASCII.isTokenByte(byte) == tchars.contains(byte), "byte \(byte)")
        }
        #expect(ASCII.isToken("X-Amz-Date"))
        #expect(!ASCII.isToken(""))
        #expect(!ASCII.isToken("X Amz"))
        #expect(!ASCII.isToken("Host:"))
        #expect(!ASCII.isToken("é"))
    }

    @Test func caseInsensitiveEquality() {
        #expect(ASCII.equalsIgnoringCase("X-Amz-Date", "x-amz-date"))
        #expect(!ASCII.equalsIgnoringCase("X-Amz-Date", "x-amz-dat"))
        #expect(!ASCII.equalsIgnoringCase("É", "é"))
        let left = Array("Content-Type".utf8)
        let right = Array("content-type".utf8)
        left.withUnsafeBufferPointer { lhs in
            right.withUnsafeBufferPointer { rhs in
                #expect(ASCII.equalsIgnoringCase(lhs, rhs))
                #expect(!ASCII.equals(lhs, rhs))
                #expect(ASCII.equals(rhs, "content-type"))
            }
        }
        #expect(ASCII.equalsIgnoringCase("Transfer-Encoding".utf8, Array("transfer-ENCODING".utf8)))
        #expect(ASCII.equalsIgnoringCase("chunked".utf8.dropFirst(), "HUNKED".utf8))
        #expect(!ASCII.equalsIgnoringCase("chunked".utf8, "chunke".utf8))
        #expect(!ASCII.equalsIgnoringCase("[".utf8, "{".utf8))
        #expect(!ASCII.equalsIgnoringCase("@".utf8, "`".utf8))
        #expect(!ASCII.equalsIgnoringCase([UInt8(0xc9)], [UInt8(0xe9)]))
    }

    @Test func trimmedRangeDropsSpacesTabsAndLineEnds() {
        let bytes = Array(" \t a b \r\n".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(ASCII.trimmedRange(buffer, 0..<buffer.count) == 3..<6)
            #expect(ASCII.trimmedRange(buffer, 0..<2) == 2..<2)
        }
    }

    @Test func decimalReadsOnlyDigits() {
        #expect(ASCII.decimal(Array("0042".utf8)) == 42)
        #expect(ASCII.decimal(Array("".utf8)) == nil)
        #expect(ASCII.decimal(Array("4a".utf8)) == nil)
        #expect(ASCII.decimal(Array("-4".utf8)) == nil)
        #expect(ASCII.decimal(Array("999999999999999999".utf8)) == 999_999_999_999_999_999)
        #expect(ASCII.decimal(Array("9999999999999999999".utf8)) == nil)
    }

    @Test func appendDecimalPadsToWidth() {
        func text(_ value: Int, _ width: Int) -> String {
            var out: [UInt8] = Array("x".utf8)
            ASCII.appendDecimal(value, width: width, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(7, 2) == "x07")
        #expect(text(2026, 4) == "x2026")
        #expect(text(12_345, 4) == "x12345")
        #expect(text(0, 1) == "x0")
        #expect(text(0, 3) == "x000")
        #expect(text(Int.max, 1) == "x\(Int.max)")
        #expect(text(-7, 2) == "x-07")
        #expect(text(Int.min, 1) == "x\(Int.min)")
    }
}
