import Glibc
import NIOCore
import NIOPosix
import Prometheus
import Testing

@testable import GatehouseCore

/// The admin listener over real sockets: endpoints, health transitions, HTTP behaviour and abuse limits.
@Suite(.serialized) struct AdminServerTests {
    // MARK: Endpoints

    @Test func healthzAnswersWhileTheProcessRuns() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            let starting = try client.request("GET", "/healthz")
            #expect(starting.status == 200)
            #expect(starting.body == "ok\n")
            #expect(starting.headers["content-type"] == "text/plain; charset=utf-8")
            admin.health.markDraining()
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func readyzFollowsTheLifecycle() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            #expect(admin.health.phase == .starting)
            let starting = try client.request("GET", "/readyz")
            #expect(starting.status == 503)
            #expect(starting.body == "starting\n")

            admin.health.markReady()
            #expect(admin.health.isReady)
            let ready = try client.request("GET", "/readyz")
            #expect(ready.status == 200)
            #expect(ready.body == "ready\n")

            admin.health.markDraining()
            let draining = try client.request("GET", "/readyz")
            #expect(draining.status == 503)
            #expect(draining.body == "draining\n")

            // A drain is never undone.
            admin.health.markReady()
            #expect(!admin.health.isReady)
            #expect(try client.request("GET", "/readyz").status == 503)
        }
    }

    @Test func unknownPathsAreNotFound() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            for target in ["/", "/metrics/", "/Metrics", "/healthz/x", "/favicon.ico", "*"] {
                #expect(try client.request("GET", target).status == 404, "\(target)")
            }
            #expect(try client.request("POST", "/nope").status == 404)
        }
    }

    @Test func otherMethodsAreNotAllowed() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            for (method, target) in [
                ("POST", "/metrics"), ("DELETE", "/readyz"), ("PUT", "/healthz"), ("OPTIONS", "/metrics"),
            ] {
                let response = try client.request(method, target, extraHeaders: ["Content-Length: 0"])
                #expect(response.status == 405, "\(method) \(target)")
                #expect(response.headers["allow"] == "GET, HEAD")
            }
            // The connection survives a 405.
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func queryStringIsIgnored() async throws {
        try await AdminTestHarness.with { admin in
            let response = try admin.client().request("GET", "/metrics?name[]=gatehouse_requests_total")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == MetricsExposition.contentType)
        }
    }

    @Test func headAnswersHeadersWithoutBody() async throws {
        try await AdminTestHarness.with { admin in
            admin.metrics.configReloaded(success: true)
            let client = try admin.client()
            let head = try client.request("HEAD", "/metrics")
            #expect(head.status == 200)
            #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
            // Had a body been sent, it would now be read as the next response's status line.
            let next = try client.request("GET", "/healthz")
            #expect(next.status == 200)
            #expect(next.body == "ok\n")
        }
    }

    // MARK: Connections

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            for _ in 0..<5 {
                let response = try client.request("GET", "/metrics")
                #expect(response.status == 200)
                #expect(response.headers["connection"] == nil)
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            try client.sendText(
                "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().status == 404)
            #expect(try client.readResponse().status == 503)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            let response = try client.request("GET", "/healthz", extraHeaders: ["Connection: close"])
            #expect(response.status == 200)
            #expect(response.headers["connection"] == "close")
            #expect(client.closesWithoutMoreData())
        }
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        try await AdminTestHarness.with { admin in
            let plain = try admin.client()
            let closed = try plain.request("GET", "/healthz", version: "HTTP/1.0")
            #expect(closed.status == 200)
            #expect(closed.version == "HTTP/1.0")
            #expect(plain.closesWithoutMoreData())

            let keepAlive = try admin.client()
            let kept = try keepAlive.request(
                "GET", "/healthz", version: "HTTP/1.0", extraHeaders: ["Connection: keep-alive"])
            #expect(kept.headers["connection"] == "keep-alive")
            #expect(
                try keepAlive.request("GET", "/readyz", version: "HTTP/1.0", extraHeaders: ["Connection: keep-alive"])
                    .status == 503)
        }
    }

    // MARK: Limits

    @Test func oversizedHeadIsRejectedAndClosed() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            let response = try client.request(
                "GET", "/metrics", extraHeaders: ["X-Big: " + String(repeating: "a", count: 9000)])
            #expect(response.status == 400)
            #expect(client.closesWithoutMoreData())
        }
    }

    @Test func malformedRequestIsRejectedAndClosed() async throws {
        try await AdminTestHarness.with { admin in
            let client = try admin.client()
            try client.sendText("GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            #expect(try client.readResponse().status == 400)
            #expect(client.closesWithoutMoreData())
        }
    }

    @Test func smallBodiesAreDiscardedLargeOnesRefused() async throws {
        try await AdminTestHarness.with(limits: AdminLimits(maxBodyBytes: 1024)) { admin in
            let client = try admin.client()
            try client.sendText("GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")
            #expect(try client.readResponse().status == 200)
            #expect(try client.request("GET", "/healthz").status == 200)

            let big = try admin.client()
            try big.sendText(
                "POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 4096\r\n\r\n"
                    + String(repeating: "x", count: 2048))
            let refused = try big.readResponse()
            #expect(refused.status == 413)
            #expect(refused.headers["connection"] == "close")
            #expect(big.closesWithoutMoreData())
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        try await AdminTestHarness.with(limits: AdminLimits(idleTimeout: .milliseconds(300))) { admin in
            let client = try admin.client(timeoutSeconds: 3)
            #expect(try client.request("GET", "/healthz").status == 200)
            let start = ContinuousClock.now
            #expect(client.closesWithoutMoreData())
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    @Test func slowHeadIsCutOff() async throws {
        try await AdminTestHarness.with(limits: AdminLimits(headerTimeout: .milliseconds(300))) { admin in
            let silent = try admin.client(timeoutSeconds: 3)
            #expect(silent.closesWithoutMoreData())

            let slow = try admin.client(timeoutSeconds: 3)
            try slow.sendText("GET /metrics HTTP/1.1\r\nHost: a\r\n")
            let start = ContinuousClock.now
            #expect(slow.closesWithoutMoreData())
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    @Test func aConnectionBeyondTheLimitClosesTheOldestIdleOne() async throws {
        // Before: at the cap the listener stopped accepting, so idle connections kept /healthz out until the header
        // timeout closed them — and a client reconnecting kept it out for good.
        try await AdminTestHarness.with(limits: AdminLimits(maxConnections: 2)) { admin in
            // Each answered once, so each is registered (in this order) and idle.
            let oldest = try admin.client(timeoutSeconds: 3)
            #expect(try oldest.request("GET", "/healthz").status == 200)
            let second = try admin.client(timeoutSeconds: 3)
            #expect(try second.request("GET", "/healthz").status == 200)
            let start = ContinuousClock.now
            let newcomer = try admin.client(timeoutSeconds: 3)
            #expect(try newcomer.request("GET", "/healthz").status == 200)
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(oldest.closesWithoutMoreData())
            #expect(try second.request("GET", "/healthz").status == 200)
        }
    }

    @Test func aNewcomerIsClosedOnlyWhenEveryConnectionIsBusy() async throws {
        try await AdminTestHarness.with(
            limits: AdminLimits(headerTimeout: .milliseconds(500), maxConnections: 1)
        ) { admin in
            // A head whose body never comes: busy, so not closed for the newcomer ...
            let busy = try admin.client(timeoutSeconds: 3)
            try busy.sendText("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            let newcomer = try admin.client(timeoutSeconds: 3)
            #expect(newcomer.closesWithoutMoreData())
            // ... but the header timeout covers the body too, so it cannot stay busy.
            let start = ContinuousClock.now
            #expect(busy.closesWithoutMoreData())
            #expect(ContinuousClock.now - start < .seconds(2))
            #expect(try admin.client().request("GET", "/healthz").status == 200)
        }
    }

    // MARK: Sockets

    @Test func servesOnAUnixSocketReplacingAStaleOne() async throws {
        let directory = "/tmp/gatehouse-admin-\(UInt32.random(in: 0...UInt32.max))"
        #expect(mkdir(directory, 0o700) == 0)
        defer { rmdir(directory) }
        let path = directory + "/admin.sock"
        defer { unlink(path) }
        let health = AdminHealth()
        let address = try SocketAddress(unixDomainSocketPath: path)
        let group = MultiThreadedEventLoopGroup.singleton

        let earlier = AdminServer(group: group, registry: PrometheusCollectorRegistry(), health: health)
        _ = try await earlier.start(socket: .bind(address))
        await earlier.close()  // leaves the socket file behind, as a crash would

        let server = AdminServer(group: group, registry: PrometheusCollectorRegistry(), health: health)
        _ = try await server.start(socket: .bind(address))
        do {
            let client = try AdminTestClient(unixPath: path)
            #expect(try client.request("GET", "/healthz").status == 200)
            #expect(try client.request("GET", "/metrics").status == 200)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    @Test func refusesToReplaceANonSocketFile() async throws {
        let path = "/tmp/gatehouse-admin-\(UInt32.random(in: 0...UInt32.max)).sock"
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(path) }
        let server = AdminServer(
            group: MultiThreadedEventLoopGroup.singleton, registry: PrometheusCollectorRegistry(), health: AdminHealth()
        )
        await #expect(throws: (any Error).self) {
            _ = try await server.start(socket: .bind(try SocketAddress(unixDomainSocketPath: path)))
        }
        var info = stat()
        #expect(stat(path, &info) == 0)  // still there
        await server.close()
    }

    @Test func adoptsAnInheritedListeningSocket() async throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))

        let health = AdminHealth()
        health.markReady()
        let server = AdminServer(
            group: MultiThreadedEventLoopGroup.singleton, registry: PrometheusCollectorRegistry(), health: health)
        _ = try await server.start(socket: .inherited(descriptor: fd))
        do {
            #expect(try AdminTestClient(port: port).request("GET", "/readyz").status == 200)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    @Test func closeEndsOpenConnectionsAndStopsAccepting() async throws {
        let health = AdminHealth()
        let server = AdminServer(
            group: MultiThreadedEventLoopGroup.singleton, registry: PrometheusCollectorRegistry(), health: health)
        let channel = try await server.start(socket: .bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0)))
        let port = try #require(channel.localAddress?.port)
        let client = try AdminTestClient(port: port)
        #expect(try client.request("GET", "/healthz").status == 200)

        await server.close()
        #expect(client.closesWithoutMoreData())
        #expect(throws: AdminTestClient.Failure.self) { _ = try AdminTestClient(port: port) }
    }
}
