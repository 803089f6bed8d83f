import GatehouseConfig
import NIOCore
import Testing

@testable import GatehouseCore

@Suite struct RouterTests {
    static func route(_ method: String, _ segments: [RouteKeySegment]) -> RouteDefinition {
        RouteDefinition(
            key: "\(method) /" + segments.map(\.description).joined(separator: "/"), method: method,
            segments: segments, authorization: .none,
            integration: .mock(MockResponse(status: 200, headers: [], body: "")))
    }

    static let api = APIDefinition(
        id: "a1b2c3d4e5", name: "orders", hosts: ["Orders.Internal"],
        stages: [
            "prod": [
                route("ANY", [.greedy("proxy")]),
                route("GET", [.literal("users"), .parameter("id")]),
                route("GET", [.literal("users"), .literal("me")]),
                route("ANY", [.literal("users"), .parameter("id")]),
                route("GET", [.literal("files"), .greedy("path")]),
            ]
        ], policy: nil)
    static let other = APIDefinition(id: "zzzzzzzzzz", name: "other", hosts: [], stages: [:], policy: nil)

    func match(_ method: String, _ path: String, api: APIDefinition = RouterTests.api) throws -> RouteMatch? {
        try Router(apis: [api], region: "us-east-1").match(
            api: api, method: method, path: NormalizedPath(rawPath: Substring(path)))
    }

    @Test func literalBeatsParameterBeatsGreedy() throws {
        #expect(try match("GET", "/prod/users/me")?.route.key == "GET /users/me")
        #expect(try match("GET", "/prod/users/42")?.route.key == "GET /users/{id}")
        #expect(try match("GET", "/prod/users/42")?.parameters == ["id": ["42"]])
        #expect(try match("GET", "/prod/orders/1/2")?.route.key == "ANY /{proxy+}")
        #expect(try match("GET", "/prod/orders/1/2")?.parameters == ["proxy": ["orders", "1", "2"]])
    }

    @Test func exactMethodBeatsAny() throws {
        #expect(try match("GET", "/prod/users/7")?.route.key == "GET /users/{id}")
        #expect(try match("DELETE", "/prod/users/7")?.route.key == "ANY /users/{id}")
    }

    @Test func greedyNeedsAtLeastOneSegment() throws {
        #expect(try match("GET", "/prod/files/a/b")?.parameters == ["path": ["a", "b"]])
        #expect(try match("GET", "/prod/files")?.route.key == "ANY /{proxy+}")
        #expect(try match("GET", "/prod") == nil)
    }

    @Test func unknownStageIsNotFound() throws {
        #expect(try match("GET", "/test/users/1") == nil)
    }

    @Test func selectsAPIByHostHeaderOrDefault() {
        let router = Router(apis: [Self.api, Self.other], region: "us-east-1")
        #expect(
            router.selectAPI(host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", apiIDHeader: nil)?.id
                == "a1b2c3d4e5")
        #expect(
            router.selectAPI(
                host: "a1b2c3d4e5-vpce-0123.execute-api.us-east-1.vpce.amazonaws.com:443", apiIDHeader: nil)?.id
                == "a1b2c3d4e5")
        #expect(router.selectAPI(host: "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", apiIDHeader: nil) == nil)
        #expect(router.selectAPI(host: "orders.internal:8443", apiIDHeader: nil)?.id == "a1b2c3d4e5")
        #expect(router.selectAPI(host: "localhost", apiIDHeader: "zzzzzzzzzz")?.id == "zzzzzzzzzz")
        #expect(router.selectAPI(host: "localhost", apiIDHeader: "nope") == nil)
        #expect(router.selectAPI(host: "localhost", apiIDHeader: nil) == nil, "two APIs: no default")
        let single = Router(apis: [Self.api], region: "us-east-1")
        #expect(single.selectAPI(host: "localhost", apiIDHeader: nil)?.id == "a1b2c3d4e5")
    }

    @Test func executeAPIMarkerIsFoundAfterFalseStarts() {
        for (name, offset) in [
            ("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", 10), (".execute.execute-api.x", 8),
            ("..execute-api.", 1), (".execute-api.", 0),
        ] {
            let range = Router.executeAPIMarker(in: name)
            #expect(range.map { name.utf8.distance(from: name.startIndex, to: $0.lowerBound) } == offset, "\(name)")
        }
        for name in ["", "127.0.0.1", "execute-api.us-east-1.amazonaws.com", ".execute-api", "x.execute-apix."] {
            #expect(Router.executeAPIMarker(in: name) == nil, "\(name)")
        }
        let router = Router(apis: [Self.api, Self.other], region: "us-east-1")
        #expect(
            router.selectAPI(host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com.evil", apiIDHeader: nil) == nil)
        #expect(
            router.selectAPI(host: "A1B2C3D4E5.Execute-Api.US-EAST-1.AmazonAWS.com", apiIDHeader: nil)?.id
                == "a1b2c3d4e5")
    }

    @Test(arguments: [
        ("orders.internal:8443", "orders.internal"), ("orders.internal", "orders.internal"),
        ("127.0.0.1:28443", "127.0.0.1"), ("[::1]:443", "::1"), ("[::1]", "::1"), ("::1", "::1"),
        ("fe80::1:2", "fe80::1:2"), ("[broken:443", "[broken"), ("", ""), (":443", ""),
        ("ünïcode.example:1", "ünïcode.example"),
    ])
    func hostPortIsStripped(host: String, name: String) {
        #expect(Router.stripPort(host) == name[...])
    }
}
