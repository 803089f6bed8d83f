import Testing

@testable import GatehouseCore

/// The byte classes against their RFC definitions, for every byte value.
@Suite struct HTTPByteClassTests {
    @Test func fieldValueBytesAreVCHARObsTextSPAndHTAB() {
        for byte in UInt8.min...UInt8.max {
            let vchar = (0x21...0x7E).contains(byte)
            let obsText = byte >= 0x80
            #expect(
                HTTPByteClass.isFieldValueByte(byte) == (vchar || obsText || byte == 0x20 || byte == 0x09),
                "byte \(byte)")
        }
    }

    @Test func targetBytesAreVisibleASCII() {
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPByteClass.isTargetByte(byte) == (0x21...0x7E).contains(byte), "byte \(byte)")
        }
    }

    @Test func optionalWhitespaceIsSpaceAndTabOnly() {
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPByteClass.isWhitespace(byte) == (byte == 0x20 || byte == 0x09), "byte \(byte)")
        }
    }
}
