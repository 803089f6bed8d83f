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
    /// proxy-protocol.txt §2.2: LOCAL ignores the address block, family included.
    @Test func v2LocalIgnoresItsBlockWhateverTheFamily() {
        let signature = ProxyProtocolHeader.v2Signature
        for family: UInt8 in [0x00, 0x11, 0x21, 0x31, 0xF5] {
            let local = signature + [0x20, family, 0x00, 0x04, 1, 2, 3, 4, 0x16]
            let (outcome, rest) = parse(local)
            #expect(outcome == .parsed(source: nil), "family \(family)")
            #expect(rest == 1, "the block is consumed, what follows stays")
        }
    }

    /// PROXY with AF_UNSPEC or AF_UNIX: accepted, the real peer is the source; TLVs after the block are skipped.
    @Test func v2ProxyWithoutAnIPFamilyUsesTheRealPeer() {
        let signature = ProxyProtocolHeader.v2Signature
        #expect(parse(signature + [0x21, 0x00, 0x00, 0x00]).0 == .parsed(source: nil))
        let unix = signature + [0x21, 0x31, 0x00, 0xD8] + [UInt8](repeating: 0x2F, count: 216) + [0x16]
        let (outcome, rest) = parse(unix)
        #expect(outcome == .parsed(source: nil))
        #expect(rest == 1)
        let withTLV =
            signature + [0x21, 0x11, 0x00, 0x10, 10, 0, 0, 7, 127, 0, 0, 1, 0, 1, 0, 2, 0x01, 0x00, 0x01, 0x68]
        #expect(parse(withTLV).0 == .parsed(source: IPAddress("10.0.0.7")))
    }

    /// Values the spec says receivers must reject.
    @Test(arguments: [
        [0x21, 0x41, 0x00, 0x00] as [UInt8],  // family 4
        [0x21, 0xF1, 0x00, 0x00],  // family 15
        [0x21, 0x13, 0x00, 0x0C, 10, 0, 0, 7, 127, 0, 0, 1, 0, 1, 0, 2],  // transport 3
        [0x22, 0x11, 0x00, 0x0C, 10, 0, 0, 7, 127, 0, 0, 1, 0, 1, 0, 2],  // command 2
        [0x2F, 0x00, 0x00, 0x00],  // command 15
        [0x31, 0x11, 0x00, 0x0C, 10, 0, 0, 7, 127, 0, 0, 1, 0, 1, 0, 2],  // version 3
        [0x21, 0x11, 0x00, 0x08, 10, 0, 0, 7, 127, 0, 0, 1],  // IPv4 block too short
        [0x21, 0x21, 0x00, 0x0C, 10, 0, 0, 7, 127, 0, 0, 1, 0, 1, 0, 2],  // IPv6 block too short
    ])
    func v2ValuesTheSpecRejects(tail: [UInt8]) {
        guard case .invalid = parse(ProxyProtocolHeader.v2Signature + tail).0 else {
            Issue.record("accepted \(tail)")
            return
        }
    }

    @Test func v1UnknownIgnoresWhatFollowsOnItsLine() {
        let (outcome, rest) = parse(Array("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\nX".utf8))
        #expect(outcome == .parsed(source: nil))
        #expect(rest == 1)
    }

    @Test func theByteArrayEntryPointMatchesTheBufferOne() {
        #expect(
            ProxyProtocolHeader.parse(bytes: Array("PROXY TCP4 10.1.2.3 127.0.0.1 1 2\r\n".utf8))
                == .parsed(source: IPAddress("10.1.2.3")))
        #expect(ProxyProtocolHeader.parse(bytes: []) == .needMoreData)
    }
}
