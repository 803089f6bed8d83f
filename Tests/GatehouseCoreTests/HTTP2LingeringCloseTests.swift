import NIOCore
import NIOEmbedded
import Testing

@testable import GatehouseCore

/// The close that follows a GOAWAY: what was written is flushed, the write side closed (close_notify and FIN in a
/// real pipeline), what still arrives dropped before it reaches NIOHTTP2, and the connection closed at the deadline.
@Suite struct HTTP2LingeringCloseTests {
    /// Stands for NIOSSL and the socket: records the outbound operations, and half-closes by recording only
    /// (`EmbeddedChannel` would close the whole channel).
    final class Socket: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var operations: [String] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            operations.append("write")
            context.write(data, promise: promise)
        }

        func flush(context: ChannelHandlerContext) {
            operations.append("flush")
            context.flush()
        }

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            operations.append("close \(mode)")
            guard mode == .output else { return context.close(mode: mode, promise: promise) }
            promise?.succeed(())
        }
    }

    /// Stands for the flood guard and NIOHTTP2: counts the bytes that reach it.
    final class Parser: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var bytes = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            bytes += unwrapInboundIn(data).readableBytes
        }
    }

    @Test func flushesClosesOutputDropsInputAndClosesAtTheDeadline() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let socket = Socket()
        let lingering = HTTP2LingeringClose(timeout: .seconds(2))
        let parser = Parser()
        try channel.pipeline.syncOperations.addHandlers([socket, lingering, parser])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()

        try channel.writeInbound(ByteBuffer(repeating: 1, count: 10))
        #expect(parser.bytes == 10)

        channel.write(ByteBuffer(string: "GOAWAY"), promise: nil)  // unflushed, as NIOHTTP2's may be
        lingering.linger()
        #expect(socket.operations == ["write"])  // the read loop under way completes first
        loop.run()
        #expect(socket.operations == ["write", "flush", "close output"])
        #expect(lingering.lingering)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "GOAWAY"))

        // the client is still sending: read and dropped, never parsed
        try channel.writeInbound(ByteBuffer(repeating: 2, count: 100_000))
        #expect(parser.bytes == 10)
        #expect(channel.isActive)

        lingering.linger()  // a second GOAWAY path (both NIOHTTP2 and the flood guard) changes nothing
        loop.run()
        #expect(socket.operations == ["write", "flush", "close output"])

        loop.advanceTime(by: .milliseconds(1999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(socket.operations.last == "close all")
    }

    /// Stands for NIOHTTP2 finding a flood in a read: its GOAWAY leaves only when the read completes.
    final class FloodedParser: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let lingering: HTTP2LingeringClose
        var held = false

        init(_ lingering: HTTP2LingeringClose) {
            self.lingering = lingering
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            held = true
            lingering.linger()
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            if held { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "GOAWAY")), promise: nil) }
            held = false
        }
    }

    @Test func aGoAwayHeldUntilTheReadCompletesIsSentBeforeTheWriteSideCloses() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let socket = Socket()
        let lingering = HTTP2LingeringClose(timeout: .seconds(2))
        try channel.pipeline.syncOperations.addHandlers([socket, lingering, FloodedParser(lingering)])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(repeating: 1, count: 10))
        loop.run()
        #expect(socket.operations == ["write", "flush", "flush", "close output"])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "GOAWAY"))
    }

    @Test func aClientThatClosesEndsTheLingerAndTheDeadlineWithIt() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let lingering = HTTP2LingeringClose(timeout: .seconds(2))
        try channel.pipeline.syncOperations.addHandlers([Socket(), lingering])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        lingering.linger()
        loop.run()
        _ = try channel.finish(acceptAlreadyClosed: true)
        #expect(!channel.isActive)
        loop.advanceTime(by: .seconds(3))  // the cancelled deadline does not fire on a closed channel
    }
}
