import GatehouseConfig
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import GatehouseCore

/// What an exchange saw of its upstream response.
private final class RecordingReceiver: UpstreamResponseReceiver {
    var events: [String] = []
    var errors: [any Error] = []
    func upstreamResponseHead(_ head: ParsedResponseHead) { events.append("head \(head.statusCode)") }
    func upstreamResponseBody(_ buffer: ByteBuffer) { events.append("body \(buffer.readableBytes)") }
    func upstreamResponseEnd() { events.append("end") }
    func upstreamReadComplete() {}
    func upstreamFailed(_ error: any Error, responseStarted: Bool) {
        events.append("failed \(responseStarted)")
        errors.append(error)
    }
    func upstreamSwitchedProtocols(_ head: ParsedResponseHead, rest: ByteBuffer) {
        events.append("switched \(head.statusCode) rest \(rest.readableBytes)")
    }
}

@Suite struct UpstreamHandlerTests {
    private let address = Upstream.http(host: "127.0.0.1", port: 9000)

    private func upstreamChannel() throws -> (EmbeddedChannel, UpstreamConnectionPool, UpstreamHandler) {
        let channel = EmbeddedChannel()
        let pool = UpstreamConnectionPool(eventLoop: channel.eventLoop)
        try UpstreamPipeline.install(on: channel, pool: pool, address: address)
        let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()
        return (channel, pool, handler)
    }

    @discardableResult
    private func sendRequest(
        _ channel: EmbeddedChannel, _ handler: UpstreamHandler, method: HTTPMethod = .GET, body: String? = nil
    ) throws -> String {
        var headers: [(name: String, value: String)] = [("host", "127.0.0.1:9000")]
        if let body { headers.append(("content-length", String(body.utf8.count))) }
        let request = UpstreamRequest(method: method, uri: "/a?b=1", headers: headers)
        #expect(handler.send(request, body: body.map { ByteBuffer(string: $0) }))
        var wire = ""
        while let part = try channel.readOutbound(as: ByteBuffer.self) { wire += String(buffer: part) }
        return wire
    }

    @Test func requestsLeaveAsBytes() throws {
        let (channel, _, handler) = try upstreamChannel()
        let wire = try sendRequest(channel, handler, method: .POST, body: "hello")
        #expect(wire == "POST /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:9000\r\ncontent-length: 5\r\n\r\nhello")
    }

    @Test func aResponseToHeadIsReadWithoutABody() throws {
        // The decoder is told the method: a HEAD answer's Content-Length announces a body that never comes, and
        // the next response on the connection must not be taken for it.
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler, method: .HEAD)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n"))
        #expect(receiver.events == ["head 200", "end"])
        #expect(pool.takeIdle(address) === channel)
        let next = RecordingReceiver()
        handler.prepareForExchange(receiver: next)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"))
        #expect(next.events == ["head 200", "body 2", "end"])
    }

    @Test func aWebSocketUpgradeAnswered101IsHandedOverNotPooled() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        var request = UpstreamRequest(
            method: .GET, uri: "/ws",
            headers: [("host", "127.0.0.1:9000"), ("connection", "upgrade"), ("upgrade", "websocket")])
        request.upgradesToWebSocket = true
        #expect(handler.send(request, body: nil))
        var answer = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        answer.writeBytes([0x81, 0x00])
        try channel.writeInbound(answer)
        #expect(receiver.events == ["switched 101 rest 2"])
        #expect(channel.isActive, "the connection is the tunnel's now")
        #expect(pool.takeIdle(address) == nil)
        try channel.writeInbound(ByteBuffer(bytes: [0x81, 0x00]))
        #expect(receiver.events.count == 1, "frames are not read as HTTP")
        #expect(channel.isActive)
    }

    @Test func aCompleteKeepAliveResponseReturnsTheConnectionToThePool() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"))
        #expect(receiver.events == ["head 200", "body 2", "end"])
        #expect(channel.isActive)
        #expect(pool.takeIdle(address) === channel)
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func aPooledConnectionThatClosesLeavesThePoolAtOnce() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"))
        #expect(receiver.events == ["head 200", "body 2", "end"])
        #expect(pool.idleCount(address) == 1)
        // The upstream closes its idle keep-alive connection: the pool lets go of it then, not when it is next
        // popped (releases no longer sweep the list for dead connections).
        channel.pipeline.fireChannelInactive()
        #expect(pool.idleCount(address) == 0)
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func aConnectionInUseThatClosesIsNotForgottenFromAnotherExchange() throws {
        let (first, pool, firstHandler) = try upstreamChannel()
        let firstReceiver = RecordingReceiver()
        firstHandler.prepareForExchange(receiver: firstReceiver)
        try sendRequest(first, firstHandler)
        try first.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"))
        #expect(pool.idleCount(address) == 1)
        // A second connection of the same upstream, in use by an exchange, fails: the pooled one stays.
        let second = EmbeddedChannel()
        try UpstreamPipeline.install(on: second, pool: pool, address: address)
        let secondHandler = try second.pipeline.syncOperations.handler(type: UpstreamHandler.self)
        let receiver = RecordingReceiver()
        secondHandler.prepareForExchange(receiver: receiver)
        second.pipeline.fireChannelInactive()
        #expect(receiver.events.count == 1)
        #expect(pool.idleCount(address) == 1)
        #expect(pool.takeIdle(address) === first)
    }

    @Test func aResponseThatClosesTheConnectionIsNotPooled() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(
            ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"))
        #expect(receiver.events == ["head 200", "end"])
        #expect(!channel.isActive)
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func aResponseNobodyWaitsForClosesTheConnection() throws {
        // An exchange gave the connection up (it timed out, or its client left), or the upstream answered while
        // the connection sat idle in the pool: either way the bytes belong to nobody, and the connection is
        // in an unknown state.
        let (channel, pool, handler) = try upstreamChannel()
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"))
        #expect(!channel.isActive)
        #expect(pool.takeIdle(address) == nil)
    }
    /// Sends one GET and feeds `response`; returns what the exchange saw, whether the connection is still open and
    /// whether it went back to the pool.
    private func exchange(answeredWith response: String) throws -> (events: [String], open: Bool, pooled: Bool) {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        do {
            try channel.writeInbound(ByteBuffer(string: response))
        } catch {
            // The decoder's error also reaches the end of the embedded pipeline; the handler has acted on it.
        }
        return (receiver.events, channel.isActive, pool.takeIdle(address) != nil)
    }

    @Test func anUnaskedSwitchingProtocolsIsAFailureAndClosesTheConnection() throws {
        // Before: the 101 was relayed, and its connection pooled for the next client's request.
        let outcome = try exchange(answeredWith: "HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\n\r\n")
        #expect(outcome.events == ["failed false"])
        #expect(!outcome.open && !outcome.pooled)
    }

    @Test func informationalAnswersAreSkipped() throws {
        let outcome = try exchange(
            answeredWith: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        #expect(outcome.events == ["head 200", "body 2", "end"])
        #expect(outcome.open && outcome.pooled)
    }

    @Test(arguments: [
        "HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 099 Low\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 700 Odd\r\ncontent-length: 0\r\n\r\n",
        "HTTX/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nbad header\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nx: a\rb\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    ])
    func aMalformedHeadIsAFailureBeforeAnyPartAndClosesTheConnection(response: String) throws {
        let outcome = try exchange(answeredWith: response)
        #expect(outcome.events == ["failed false"], "\(response.debugDescription)")
        #expect(!outcome.open && !outcome.pooled)
    }

    @Test func aBadChunkFailsTheResponseAndClosesTheConnection() throws {
        let outcome = try exchange(
            answeredWith: "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\nxx\r\n0\r\n\r\n")
        #expect(outcome.events == ["head 200", "body 2", "failed true"])
        #expect(!outcome.open && !outcome.pooled)
    }

    @Test func anAnswerToNoRequestClosesTheConnectionAtItsHead() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        // One answer, then the head of a second one nobody asked for, in the same read.
        try channel.writeInbound(
            ByteBuffer(
                string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"))
        #expect(receiver.events == ["head 200", "end"])
        #expect(!channel.isActive)
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func aBodyWithoutFramingEndsWhenTheUpstreamClosesAndIsNotPooled() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\nabc"))
        try channel.writeInbound(ByteBuffer(string: "de"))
        #expect(receiver.events == ["head 200", "body 3", "body 2"])
        try channel.close().wait()
        #expect(receiver.events == ["head 200", "body 3", "body 2", "end"])
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func aCloseInsideABodyIsAProtocolFailure() throws {
        let (channel, _, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabc"))
        try channel.close().wait()
        #expect(receiver.events == ["head 200", "body 3", "failed true"])
        #expect(receiver.errors.first as? UpstreamProtocolError == UpstreamResponseDecoder.truncated)
    }

    @Test func aCloseInsideAHeadIsAProtocolFailureThatIsNotRetried() throws {
        // Part of an answer arrived: the request was acted on, so it must not be sent again.
        let (channel, _, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-"))
        try channel.close().wait()
        #expect(receiver.events == ["failed false"])
        #expect(receiver.errors.first as? UpstreamProtocolError == UpstreamResponseDecoder.truncated)
    }

    @Test func aCloseBeforeAnyByteIsAPlainEndOfFile() throws {
        // The upstream closed an idle kept-alive connection as the request went out: a retry may be safe.
        let (channel, _, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.close().wait()
        #expect(receiver.events == ["failed false"])
        #expect(receiver.errors.first as? ChannelError == .eof)
    }

    @Test func bytesOnAPooledConnectionCloseIt() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel, handler)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n"))
        #expect(receiver.events == ["head 204", "end"])
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "\r\n"))
        #expect(!channel.isActive)
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func onlyIdempotentMethodsAreRetriedAfterBeingWritten() {
        for method in [HTTPMethod.GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE] {
            #expect(ProxyLeg.isIdempotent(method), "\(method)")
        }
        for method in [HTTPMethod.POST, .PATCH, .CONNECT, .LOCK, .RAW(value: "PURGE")] {
            #expect(!ProxyLeg.isIdempotent(method), "\(method)")
        }
    }
}
