import Testing

@testable import GatehouseConfig

/// `h2c://` and `h2://` integration URIs (gRPC upstreams) and `tls_ca`.
@Suite("HTTP/2 upstream URIs")
struct HTTP2UpstreamURITests {
    static func api(uri: String, extra: String = "") -> String {
        Configurations.withAPI(
            "  - id: a1b2c3d4e5\n    stages: {prod: {}}\n    routes:\n"
                + "      - {route: \"POST /echo.Echo/{method}\", integration: {type: HTTP_PROXY, uri: \"\(uri)\"\(extra)}}\n"
        )
    }

    @Test func h2cAndH2AreParsed() throws {
        let fixture = try ConfigFixture()
        for (uri, upstream) in [
            ("h2c://127.0.0.1:50051/echo.Echo/{method}", Upstream.http2(host: "127.0.0.1", port: 50051, tls: false)),
            ("h2://Grpc.Internal:443/echo.Echo/{method}", Upstream.http2(host: "grpc.internal", port: 443, tls: true)),
        ] {
            let configuration = try fixture.configuration(Self.api(uri: uri))
            guard case .httpProxy(let proxy) = configuration.apis[0].routes[0].integration else {
                Issue.record("not a proxy")
                return
            }
            #expect(proxy.targets["prod"]?.upstream == upstream)
            #expect(proxy.targets["prod"]?.pathTemplate == [.literal("/echo.Echo/"), .parameter("method")])
        }
    }

    @Test func portIsRequiredAndTLSCAOnlyForH2() throws {
        let fixture = try ConfigFixture()
        #expect(
            fixture.problemLines(Self.api(uri: "h2c://127.0.0.1/x")) == [
                "gatehouse.yaml:14:82: integration uri \"h2c://127.0.0.1/x\" must name a port (h2c://host:port) in the "
                    + "integration of route \"POST /echo.Echo/{method}\" of api \"a1b2c3d4e5\""
            ])
        try fixture.write("-----BEGIN CERTIFICATE-----\n", to: "ca.pem")
        #expect(
            fixture.problemLines(Self.api(uri: "h2c://127.0.0.1:1/x", extra: ", tls_ca: ca.pem")) == [
                "gatehouse.yaml:14:113: \"tls_ca\" in the integration of route \"POST /echo.Echo/{method}\" of api "
                    + "\"a1b2c3d4e5\" applies only to an \"h2://\" uri"
            ])
    }
}
