import NIOCore
import Testing

@testable import GatehouseCore

/// The upstream's answer to a WebSocket opening handshake: a 101 ends the HTTP stream and leaves what follows for
/// the tunnel; any other answer is read as a normal response.
@Suite struct UpstreamUpgradeDecodingTests {
    static let switching =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"

    @Test func switchHandsOnTheHeadAndLeavesTheFramesUnread() throws {
        var decoder = UpstreamResponseDecoder()
        decoder.expectResponse(bodyless: false, upgrade: true)
        var input = ByteBuffer(string: Self.switching)
        input.writeBytes([0x81, 0x02, 0x68, 0x69])  // a text frame "hi" in the same read
        guard case .head(let head)? = try decoder.next(&input) else {
            Issue.record("no head")
            return
        }
        #expect(head.statusCode == 101)
        #expect(decoder.isSwitched)
        #expect(Array(input.readableBytesView) == [0x81, 0x02, 0x68, 0x69])
        #expect(try decoder.next(&input) == nil, "nothing after the switch is HTTP")
        #expect(input.readableBytes == 4)
        #expect(try decoder.finish(input) == nil)
    }

    @Test func switchAcrossReads() throws {
        var decoder = UpstreamResponseDecoder()
        decoder.expectResponse(bodyless: false, upgrade: true)
        var input = ByteBuffer(string: String(Self.switching.prefix(20)))
        #expect(try decoder.next(&input) == nil)
        input.writeString(String(Self.switching.dropFirst(20)))
        guard case .head(let head)? = try decoder.next(&input) else {
            Issue.record("no head")
            return
        }
        #expect(head.statusCode == 101 && decoder.isSwitched)
    }

    @Test func anUpgradeDeclinedIsANormalResponse() throws {
        var decoder = UpstreamResponseDecoder()
        decoder.expectResponse(bodyless: false, upgrade: true)
        var input = ByteBuffer(string: "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno")
        guard case .head(let head)? = try decoder.next(&input) else {
            Issue.record("no head")
            return
        }
        #expect(head.statusCode == 403)
        #expect(!decoder.isSwitched)
        guard case .body(let body)? = try decoder.next(&input) else {
            Issue.record("no body")
            return
        }
        #expect(String(buffer: body) == "no")
    }

    @Test func a101WithoutAnUpgradeRequestIsStillRefused() {
        var decoder = UpstreamResponseDecoder()
        decoder.expectResponse(bodyless: false)
        var input = ByteBuffer(string: Self.switching)
        #expect(throws: UpstreamProtocolError.self) { _ = try decoder.next(&input) }
        #expect(decoder.isFailed)
    }
}
