import IPNetwork
import NIOCore
import Testing

@testable import GatehouseCore

@Suite struct ProxyProtocolHeaderTests {
    func parse(_ bytes: [UInt8]) -> (ProxyProtocolHeader.Outcome, Int) {
        var buffer = ByteBuffer(bytes: bytes)
        let outcome = ProxyProtocolHeader.parse(&buffer)
        return (outcome, buffer.readableBytes)
    }

    @Test func v1TCP4() {
        let (outcome, rest) = parse(Array("PROXY TCP4 10.20.0.5 127.0.0.1 40000 443\r\nHELLO".utf8))
        #expect(outcome == .parsed(source: IPAddress("10.20.0.5")))
        #expect(rest == 5, "the bytes after the header stay for TLS")
    }

    @Test func v1TCP6AndUnknown() {
        #expect(parse(Array("PROXY TCP6 fd00::5 ::1 1 2\r\n".utf8)).0 == .parsed(source: IPAddress("fd00::5")))
        #expect(parse(Array("PROXY UNKNOWN\r\n".utf8)).0 == .parsed(source: nil))
    }

    @Test func v1Partial() {
        #expect(parse(Array("PROXY TCP4 10.0".utf8)).0 == .needMoreData)
    }

    @Test(arguments: [
        "PROXY TCP4 10.0.0.1 127.0.0.1 1\r\n", "PROXY TCP4 ::1 ::1 1 2\r\n", "PROXY UDP4 1.2.3.4 1.2.3.4 1 2\r\n",
        "PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n", "GET / HTTP/1.1\r\n",
    ])
    func v1Invalid(_ text: String) {
        guard case .invalid = parse(Array(text.utf8)).0 else {
            Issue.record("accepted \(text)")
            return
        }
    }

    @Test func v2TCP4AndLocal() {
        let signature = ProxyProtocolHeader.v2Signature
        let tcp4 = signature + [0x21, 0x11, 0x00, 0x0C, 10, 20, 0, 5, 127, 0, 0, 1, 0x9C, 0x40, 0x01, 0xBB, 0x16]
        let (outcome, rest) = parse(tcp4)
        #expect(outcome == .parsed(source: IPAddress("10.20.0.5")))
        #expect(rest == 1)
        #expect(parse(signature + [0x20, 0x00, 0x00, 0x00]).0 == .parsed(source: nil))
        #expect(parse(signature + [0x21, 0x11, 0x00, 0x0C, 10]).0 == .needMoreData)
        guard case .invalid = parse(signature + [0x11, 0x11, 0x00, 0x00]).0 else {
            Issue.record("accepted version 1 in a v2 header")
            return
        }
    }
}
