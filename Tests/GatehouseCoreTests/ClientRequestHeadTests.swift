import NIOHTTP1
import Testing

@testable import GatehouseCore

/// The adapter the rest of the gateway reads: NIO's head for ASCII-valued headers, and the values' bytes for SigV4
/// when some value is not UTF-8.
@Suite struct ClientRequestHeadTests {
    @Test func utf8ValuesNeedNoByteCopy() throws {
        let parsed = try ParsedHeadFixture.head("GET /a?b HTTP/1.1\r\nHost: h\r\nX-U: grüße\r\n\r\n")
        let request = ClientRequestHead(parsed, framing: .success(.none))
        #expect(request.headerValueBytes == nil)
        #expect(request.head.method == .GET)
        #expect(request.head.uri == "/a?b")
        #expect(request.head.version == .http1_1)
        #expect(request.head.headers.first(name: "x-u") == "grüße")
    }

    @Test func obsTextValuesAreKeptAsBytesForSigV4() throws {
        var bytes = Array("PATCH / HTTP/1.0\r\nHost: h\r\nX-L: caf".utf8)
        bytes += [0xE9]
        bytes += Array("\r\n\r\n".utf8)
        let request = ClientRequestHead(try ParsedHeadFixture.head(bytes), framing: .success(.none))
        #expect(request.headerValueBytes == [Array("h".utf8), Array("caf".utf8) + [0xE9]])
        #expect(request.head.headers.first(name: "x-l") == "caf\u{FFFD}")
        #expect(request.head.method == .PATCH)
        #expect(request.head.version == .http1_0)
    }
}
