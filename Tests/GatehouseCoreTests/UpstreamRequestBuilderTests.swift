import GatehouseConfig
import IPNetwork
import NIOCore
import NIOHTTP1
import Testing

@testable import GatehouseCore

@Suite struct UpstreamRequestBuilderTests {
    @Test func stripsHopByHopAndSpoofedIdentityHeaders() throws {
        let connection = ConnectionState(
            listener: "https", sourceIP: IPAddress("127.0.0.1")!,
            network: SourceNetwork(id: "vpce-dev", vpc: "vpc-dev", cidrs: [CIDR("127.0.0.0/8")!]))
        let head = try ParsedHeadFixture.head(
            "GET /prod/users/a%20b?x=1&y HTTP/1.1\r\n" + "Host: orders.internal\r\n"
                + "Connection: keep-alive, X-Custom-Hop, X-Forwarded-Client-Cert\r\n" + "X-Custom-Hop: drop me\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\n" + "x-forwarded-client-cert: Hash=evil\r\n"
                + "X-Gatehouse-Principal: arn:aws:iam::999999999999:root\r\n" + "X-Request-Id: spoofed\r\n"
                + "Authorization: AWS4-HMAC-SHA256 ...\r\n" + "X-Amz-Security-Token: token\r\n" + "TE: trailers\r\n"
                + "Upgrade: h2c\r\n" + "Accept: application/json\r\n\r\n")
        let target = ProxyTarget(
            upstream: .http(host: "127.0.0.1", port: 9000), hostHeader: "127.0.0.1:9000",
            pathTemplate: [.literal("/v1/users/"), .parameter("id")], timeout: .seconds(1))
        let route = RouterTests.route("GET", [.literal("users"), .parameter("id")])
        let match = RouteMatch(
            api: RouterTests.api, stage: "prod", route: route, routePath: ["users", "a b"], parameters: ["id": ["a b"]])
        let principal = CallerPrincipal(
            accessKeyID: "AKID", arn: "arn:aws:iam::123456789012:user/alice", account: "123456789012", tags: [:])
        let built = UpstreamRequestBuilder.build(
            client: head, integration: target, match: match, requestID: "rid", connection: connection,
            principal: principal, bodyLength: 0)
        #expect(built.uri == "/v1/users/a%20b?x=1&y")
        #expect(built.values("host") == ["127.0.0.1:9000"])
        #expect(built.values("x-forwarded-for") == ["127.0.0.1"])
        #expect(built.values("x-forwarded-host") == ["orders.internal"])
        #expect(built.values("x-forwarded-proto") == ["https"])
        #expect(built.values("x-forwarded-client-cert") == [], "no client identity on this connection")
        #expect(built.values("x-gatehouse-principal") == ["arn:aws:iam::123456789012:user/alice"])
        #expect(built.values("x-gatehouse-source-vpce") == ["vpce-dev"])
        #expect(built.values("x-request-id") == ["rid"])
        for name in ["connection", "x-custom-hop", "authorization", "x-amz-security-token", "te", "upgrade"] {
            #expect(built.values(name).isEmpty, "\(name) must not be forwarded")
        }
        #expect(built.values("accept") == ["application/json"])
    }

    @Test func lookAlikeOverrideAndUnderscoreHeadersStopUnlessConfigured() throws {
        let connection = ConnectionState(listener: "https", sourceIP: IPAddress("127.0.0.1")!, network: nil)
        let head = try ParsedHeadFixture.head(
            "GET /prod/x HTTP/1.1\r\n" + "Host: orders.internal\r\n"
                + "X_Gatehouse_Principal: arn:aws:iam::999999999999:root\r\n" + "X_Forwarded_For: 6.6.6.6\r\n"
                + "x-request_id: spoofed\r\n" + "X-Gatehouse-Tenant: other\r\n" + "X-HTTP-Method-Override: DELETE\r\n"
                + "X_Original_URL: /admin\r\n" + "X_Custom: underscored\r\n" + "X-Custom: dashed\r\n\r\n")
        let route = RouterTests.route("GET", [.literal("x")])
        let match = RouteMatch(api: RouterTests.api, stage: "prod", route: route, routePath: ["x"], parameters: [:])
        for forwardsUnderscores in [false, true] {
            let target = ProxyTarget(
                upstream: .http(host: "127.0.0.1", port: 9000), hostHeader: "127.0.0.1:9000",
                pathTemplate: [.literal("/x")], timeout: .seconds(1), forwardsUnderscoreHeaders: forwardsUnderscores)
            let built = UpstreamRequestBuilder.build(
                client: head, integration: target, match: match, requestID: "rid", connection: connection,
                principal: nil, bodyLength: 0)
            let clientNames = built.forwardedFields.map { index in
                head.withBytes(head.fields[index].name) { String(decoding: $0, as: UTF8.self) }
            }
            #expect(clientNames == (forwardsUnderscores ? ["X_Custom"] : []) + ["X-Custom"])
            #expect(
                built.headers.map(\.name) == [
                    "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id",
                ])
            #expect(built.values("x-forwarded-for") == ["127.0.0.1"])
            #expect(built.values("x-request-id") == ["rid"])
        }
    }

    @Test func presignedCredentialsStayOutOfTheUpstreamQuery() {
        let uri = UpstreamRequestBuilder.upstreamTarget(
            template: [.literal("/base")], parameters: [:],
            clientURI: "/prod/x?b=2&X-Amz-Credential=AKID%2Fx&X-Amz-Signature=ab&a=%2F")
        #expect(uri == "/base?b=2&a=%2F")
        let onlyCredentials = UpstreamRequestBuilder.upstreamTarget(
            template: [.literal("/base")], parameters: [:], clientURI: "/prod/x?X-Amz-Signature=ab")
        #expect(onlyCredentials == "/base")
    }

    @Test func anEncodedSemicolonIsForwardedEncoded() throws {
        let path = try NormalizedPath(rawPath: "/prod/public/..%3B/admin")
        let uri = UpstreamRequestBuilder.upstreamTarget(
            template: [.literal("/"), .greedy("proxy")], parameters: ["proxy": path.segments.dropFirst()],
            clientURI: "/prod/public/..%3B/admin")
        #expect(uri == "/public/..%3B/admin")
    }

    @Test func clientFieldsAreForwardedByteForByte() throws {
        // obs-text (0x80–0xFF) that is not UTF-8 reaches the upstream as sent, not as U+FFFD.
        var bytes = Array("GET /prod/users/1 HTTP/1.1\r\nHost: a\r\nX-Latin: caf".utf8)
        bytes += [0xE9, 0x20, 0xFF]
        bytes += Array("\r\nConnection: close\r\n\r\n".utf8)
        let head = try ParsedHeadFixture.head(bytes)
        let target = ProxyTarget(
            upstream: .http(host: "127.0.0.1", port: 9000), hostHeader: "up", pathTemplate: [.literal("/x")],
            timeout: .seconds(1))
        let route = RouterTests.route("GET", [.literal("users"), .parameter("id")])
        let match = RouteMatch(
            api: RouterTests.api, stage: "prod", route: route, routePath: ["users", "1"], parameters: ["id": ["1"]])
        let connection = ConnectionState(listener: "https", sourceIP: IPAddress("127.0.0.1")!, network: nil)
        let built = UpstreamRequestBuilder.build(
            client: head, integration: target, match: match, requestID: "rid", connection: connection,
            principal: nil, bodyLength: 0)
        let wire = Array(built.head(allocator: ByteBufferAllocator()).readableBytesView)
        let expected = Array("\r\nX-Latin: caf".utf8) + [0xE9, 0x20, 0xFF] + Array("\r\n".utf8)
        #expect(wire.firstRange(of: expected) != nil)
        #expect(wire.firstRange(of: Array("onnection".utf8)) == nil)
        #expect(wire.starts(with: Array("GET /x HTTP/1.1\r\nhost: up\r\nX-Latin: ".utf8)))
    }

    @Test func greedyParametersKeepSegments() {
        let uri = UpstreamRequestBuilder.upstreamTarget(
            template: [.literal("/base/"), .greedy("proxy")], parameters: ["proxy": ["a", "b c", "ሴ"]],
            clientURI: "/prod/a/b%20c/%E1%88%B4")
        #expect(uri == "/base/a/b%20c/%E1%88%B4")
    }
}
