import GatehouseBytes
import Testing

@Suite struct PercentEncodingTests {
    private func decoded(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { String(decoding: PercentEncoding.decoded($0), as: UTF8.self) }
    }

    private func decodedEquals(_ text: String, _ wanted: String, in range: Range<Int>? = nil) -> Bool {
        let bytes = Array(text.utf8)
        let wantedBytes = Array(wanted.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            wantedBytes.withUnsafeBufferPointer {
                PercentEncoding.decodedEquals(buffer, range ?? 0..<buffer.count, $0)
            }
        }
    }

    @Test func unreservedIsRFC3986() {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(PercentEncoding.isUnreserved(byte) == unreserved.contains(byte), "byte \(byte)")
        }
    }

    /// A valid escape (either case) is decoded; a short or non-hex one stays literal, and `+` is not a space.
    @Test func lenientDecoding() {
        #expect(decoded("a%2Fb%2fc") == "a/b/c")
        #expect(decoded("%E1%88%B4") == "ሴ")
        #expect(decoded("a+b") == "a+b")
        #expect(decoded("100%") == "100%")
        #expect(decoded("%4") == "%4")
        #expect(decoded("%zz%41") == "%zzA")
        #expect(decoded("%%41") == "%A")
        #expect(decoded("") == "")
    }

    @Test func escapedByteNeedsTwoHexDigitsBeforeTheEnd() {
        let bytes = Array("%41%4g%4".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(PercentEncoding.escapedByte(buffer, at: 0, end: buffer.count) == 0x41)
            #expect(PercentEncoding.escapedByte(buffer, at: 0, end: 2) == nil)
            #expect(PercentEncoding.escapedByte(buffer, at: 3, end: buffer.count) == nil)
            #expect(PercentEncoding.escapedByte(buffer, at: 6, end: buffer.count) == nil)
        }
    }

    /// Names compare decoded and case-sensitively, within the range only.
    @Test func decodedEqualityOfARange() {
        #expect(decodedEquals("X-Amz-Signature", "X-Amz-Signature"))
        #expect(decodedEquals("X%2DAmz-Signature", "X-Amz-Signature"))
        #expect(decodedEquals("%58%2D%41mz-Signature", "X-Amz-Signature"))
        #expect(!decodedEquals("x-amz-signature", "X-Amz-Signature"))
        #expect(!decodedEquals("X-Amz-Signatur", "X-Amz-Signature"))
        #expect(!decodedEquals("X-Amz-Signatures", "X-Amz-Signature"))
        #expect(!decodedEquals("X-Amz-Signature%", "X-Amz-Signature"))
        #expect(decodedEquals("a=1&X-Amz-Date=2", "X-Amz-Date", in: 4..<14))
        // An escape cut by the range's end is not decoded.
        #expect(decodedEquals("ab%41", "ab%4", in: 0..<4))
        #expect(decodedEquals("", ""))
    }

    @Test func encodingEscapesWhatIsNotKept() {
        #expect(PercentEncoding.encoded("a b/ሴ%".utf8, keeping: PercentEncoding.isUnreserved) == "a%20b%2F%E1%88%B4%25")
        #expect(PercentEncoding.encoded("plain-text_~.".utf8, keeping: PercentEncoding.isUnreserved) == "plain-text_~.")
        #expect(PercentEncoding.encoded([0x00, 0x7f, 0xff], keeping: { _ in false }) == "%00%7F%FF")
        var out = Array("x".utf8)
        PercentEncoding.appendEscape(0x0a, to: &out)
        #expect(out == Array("x%0A".utf8))
    }
}
