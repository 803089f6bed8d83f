import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import gatehouse_load

/// A loopback HTTP/1.1 server answering 200, or the status named by the path (`/status/503`), or closing the
/// connection without an answer for `/drop`.
private final class StatusServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var uri = "/"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
        case .body:
            break
        case .end:
            if uri == "/drop" {
                context.close(promise: nil)
                return
            }
            let code = uri.hasPrefix("/status/") ? Int(uri.dropFirst("/status/".count)) ?? 200 : 200
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: "2")
            let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

@Suite("LoadRunner against a loopback HTTP server")
struct LoadRunnerTests {
    private static func withServer(_ body: (Int) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StatusServerHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(server.localAddress!.port!)
        } catch {
            try? await server.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try await server.close()
        try await group.shutdownGracefully()
    }

    private static func runner(port: Int, path: String, count: Int, keepAlive: Bool = true) throws -> LoadRunner {
        let target = try LoadTarget(url: "http://127.0.0.1:\(port)\(path)")
        let settings = WorkerSettings(
            connector: Connector(
                address: try target.socketAddress(), tlsContext: nil, serverName: nil, connectTimeout: .seconds(2)
            ),
            template: try RequestTemplate(
                method: "GET", target: target, hostHeader: nil, headerLines: [], body: nil,
                closeConnection: !keepAlive, signer: nil
            ),
            keepAlive: keepAlive,
            requestTimeout: .seconds(2),
            budget: RequestBudget(count: count)
        )
        return LoadRunner(settings: settings, threads: 2, targetDescription: "test")
    }

    @Test("-n sends exactly COUNT requests over keep-alive connections")
    func countKeepAlive() async throws {
        try await Self.withServer { port in
            let report = try await Self.runner(port: port, path: "/ok", count: 500)
                .run(connections: 4, duration: .seconds(30))
            #expect(report.requests == 500)
            #expect(report.successes == 500)
            #expect(report.connectionsOpened == 4)
            #expect(report.totalErrors == 0)
            #expect(report.latencyMicroseconds != nil)
        }
    }

    @Test("new-connection mode opens one connection per request")
    func newConnection() async throws {
        try await Self.withServer { port in
            let report = try await Self.runner(port: port, path: "/ok", count: 40, keepAlive: false)
                .run(connections: 2, duration: .seconds(30))
            #expect(report.requests == 40)
            #expect(report.connectionsOpened == 40)
            #expect(report.totalErrors == 0)
        }
    }

    @Test("4xx and 5xx answers are counted by kind with the status as sample")
    func statusErrors() async throws {
        try await Self.withServer { port in
            let report = try await Self.runner(port: port, path: "/status/503", count: 20)
                .run(connections: 2, duration: .seconds(30))
            #expect(report.requests == 20)
            #expect(report.successes == 0)
            #expect(report.errors["status_5xx"] == 20)
            #expect(report.errorSamples["status_5xx"]?.hasPrefix("503") == true)
            let notFound = try await Self.runner(port: port, path: "/status/404", count: 5)
                .run(connections: 1, duration: .seconds(30))
            #expect(notFound.errors["status_4xx"] == 5)
        }
    }

    @Test("a connection closed before the answer is a reset, and the worker reconnects")
    func reset() async throws {
        try await Self.withServer { port in
            let report = try await Self.runner(port: port, path: "/drop", count: 10)
                .run(connections: 1, duration: .seconds(30))
            #expect(report.requests == 0)
            #expect(report.errors["reset"] == 10)
        }
    }

    @Test("no listener: the run fails with a connection error")
    func refused() async throws {
        var port = 0
        try await Self.withServer { port = $0 }  // the server is closed again: nothing listens on this port
        await #expect(throws: LoadError.self) {
            _ = try await Self.runner(port: port, path: "/", count: 5).run(connections: 2, duration: .seconds(5))
        }
    }

    @Test("hold mode keeps the connections open and counts them")
    func hold() async throws {
        try await Self.withServer { port in
            let report = try await Self.runner(port: port, path: "/ok", count: 1)
                .hold(count: 30, concurrency: 8, duration: .milliseconds(200), sendRequest: true) { established in
                    #expect(established == 30)
                }
            #expect(report.hold?.established == 30)
            #expect(report.hold?.stillOpenAtEnd == 30)
            #expect(report.successes == 30)
        }
    }
}
