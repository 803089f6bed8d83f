import NIOCore
import NIOHPACK
import Testing

@testable import GatehouseCore

/// RFC 8441: an extended CONNECT with `:protocol: websocket` is read as the HTTP/1.1 opening handshake it stands for.
@Suite struct WebSocketConnectHeadTests {
    static func connect(protocol value: String?, _ fields: [(String, String)] = []) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.add(name: ":method", value: "CONNECT")
        if let value { headers.add(name: ":protocol", value: value) }
        headers.add(name: ":scheme", value: "https")
        headers.add(name: ":authority", value: "localhost")
        headers.add(name: ":path", value: "/prod/ws/chat")
        for (name, value) in fields { headers.add(name: name, value: value) }
        return headers
    }

    @Test func websocketConnectIsTheOpeningHandshakeAsAGet() throws {
        let head = try HTTP2RequestHead.make(
            Self.connect(protocol: "websocket", [("sec-websocket-version", "13")]), endStream: false,
            maxHeadBytes: 4096, maxBodyBytes: 1000
        ).get()
        #expect(head.isWebSocketConnect)
        #expect(head.line.method == .GET)
        #expect(head.line.uri == "/prod/ws/chat")
        if case .success(.none) = head.framing {} else { Issue.record("a CONNECT has no body: \(head.framing)") }
        let key = try #require(head.firstValue("sec-websocket-key"))
        #expect(key.count == 24 && key.hasSuffix("=="), "16 random bytes, base64")
        let other = try HTTP2RequestHead.make(
            Self.connect(protocol: "websocket"), endStream: false, maxHeadBytes: 4096, maxBodyBytes: 1000
        ).get()
        #expect(other.firstValue("sec-websocket-key") != key)
    }

    @Test func otherConnectsAreRefused() {
        for value in [nil, "webtransport"] {
            let result = HTTP2RequestHead.make(
                Self.connect(protocol: value), endStream: false, maxHeadBytes: 4096, maxBodyBytes: 1000)
            guard case .failure(.malformed(let message)) = result else {
                Issue.record("\(String(describing: value)): \(result)")
                continue
            }
            #expect(message == "CONNECT is not supported")
        }
    }
}
