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
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "orders.internal")
        headers.add(name: "Connection", value: "keep-alive, X-Custom-Hop, X-Forwarded-Client-Cert")
        headers.add(name: "X-Custom-Hop", value: "drop me")
        headers.add(name: "X-Forwarded-For", value: "6.6.6.6")
        headers.add(name: "x-forwarded-client-cert", value: "Hash=evil")
        headers.add(name: "X-Gatehouse-Principal", value: "arn:aws:iam::999999999999:root")
        headers.add(name: "X-Request-Id", value: "spoofed")
        headers.add(name: "Authorization", value: "AWS4-HMAC-SHA256 ...")
        headers.add(name: "X-Amz-Security-Token", value: "token")
        headers.add(name: "TE", value: "trailers")
        headers.add(name: "Upgrade", value: "h2c")
        headers.add(name: "Accept", value: "application/json")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/prod/users/a%20b?x=1&y", headers: headers)
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

    @Test func lookAlikeOverrideAndUnderscoreHeadersStopUnlessConfigured() {
        let connection = ConnectionState(listener: "https", sourceIP: IPAddress("127.0.0.1")!, network: nil)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "orders.internal")
        headers.add(name: "X_Gatehouse_Principal", value: "arn:aws:iam::999999999999:root")
        headers.add(name: "X_Forwarded_For", value: "6.6.6.6")
        headers.add(name: "x-request_id", value: "spoofed")
        headers.add(name: "X-Gatehouse-Tenant", value: "other")
        headers.add(name: "X-HTTP-Method-Override", value: "DELETE")
        headers.add(name: "X_Original_URL", value: "/admin")
        headers.add(name: "X_Custom", value: "underscored")
        headers.add(name: "X-Custom", value: "dashed")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/prod/x", headers: headers)
        let route = RouterTests.route("GET", [.literal("x")])
        let match = RouteMatch(api: RouterTests.api, stage: "prod", route: route, routePath: ["x"], parameters: [:])
        for forwardsUnderscores in [false, true] {
            let target = ProxyTarget(
                upstream: .http(host: "127.0.0.1", port: 9000), hostHeader: "127.0.0.1:9000",
                pathTemplate: [.literal("/x")], timeout: .seconds(1), forwardsUnderscoreHeaders: forwardsUnderscores)
            let built = UpstreamRequestBuilder.build(
                client: head, integration: target, match: match, requestID: "rid", connection: connection,
                principal: nil, bodyLength: 0)
            let names = built.headers.map(\.name)
            #expect(
                names
                    == ["host"] + (forwardsUnderscores ? ["X_Custom"] : []) + [
                        "X-Custom", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id",
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
            template: [.literal("/"), .greedy("proxy")], parameters: ["proxy": Array(path.segments.dropFirst())],
            clientURI: "/prod/public/..%3B/admin")
        #expect(uri == "/public/..%3B/admin")
    }

    @Test func greedyParametersKeepSegments() {
        let uri = UpstreamRequestBuilder.upstreamTarget(
            template: [.literal("/base/"), .greedy("proxy")], parameters: ["proxy": ["a", "b c", "ሴ"]],
            clientURI: "/prod/a/b%20c/%E1%88%B4")
        #expect(uri == "/base/a/b%20c/%E1%88%B4")
    }
}
