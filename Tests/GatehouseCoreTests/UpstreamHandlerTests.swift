import GatehouseConfig
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import GatehouseCore

/// What an exchange saw of its upstream response.
private final class RecordingReceiver: UpstreamResponseReceiver {
    var events: [String] = []
    func upstreamResponseHead(_ head: HTTPResponseHead) { events.append("head \(head.status.code)") }
    func upstreamResponseBody(_ buffer: ByteBuffer) { events.append("body \(buffer.readableBytes)") }
    func upstreamResponseEnd() { events.append("end") }
    func upstreamReadComplete() {}
    func upstreamFailed(_ error: any Error, responseStarted: Bool) { events.append("failed \(responseStarted)") }
}

@Suite struct UpstreamHandlerTests {
    private let address = Upstream.http(host: "127.0.0.1", port: 9000)

    private func upstreamChannel() throws -> (EmbeddedChannel, UpstreamConnectionPool, UpstreamHandler) {
        let channel = EmbeddedChannel()
        let pool = UpstreamConnectionPool(eventLoop: channel.eventLoop)
        let handler = UpstreamHandler(pool: pool, address: address)
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()
        return (channel, pool, handler)
    }

    private func sendRequest(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(
            HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        _ = try channel.readOutbound(as: ByteBuffer.self)
    }

    @Test func aCompleteKeepAliveResponseReturnsTheConnectionToThePool() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"))
        #expect(receiver.events == ["head 200", "body 2", "end"])
        #expect(channel.isActive)
        #expect(pool.takeIdle(address) === channel)
        #expect(pool.takeIdle(address) == nil)
    }

    @Test func aResponseThatClosesTheConnectionIsNotPooled() throws {
        let (channel, pool, handler) = try upstreamChannel()
        let receiver = RecordingReceiver()
        handler.prepareForExchange(receiver: receiver)
        try sendRequest(channel)
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
        let (channel, pool, _) = try upstreamChannel()
        try sendRequest(channel)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"))
        #expect(!channel.isActive)
        #expect(pool.takeIdle(address) == nil)
    }
}
