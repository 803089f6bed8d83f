import GatehouseConfig
import Testing

@testable import GatehouseCore

/// A `{host, stage}` host pins the stage: the route matches the whole path, and other hosts keep the stage prefix.
@Suite struct StageHostRoutingTests {
    static let api = APIDefinition(
        id: "a1b2c3d4e5", name: "echo", hosts: ["grpc.internal", "orders.internal"],
        stageHosts: ["GRPC.internal": "prod"],
        stages: [
            "prod": [
                RouterTests.route("POST", [.literal("echo.Echo"), .literal("Say")]),
                RouterTests.route("GET", [.literal("prod"), .literal("x")]),
            ]
        ], policy: nil)
    static let other = APIDefinition(id: "zzzzzzzzzz", name: "other", hosts: [], stages: [:], policy: nil)
    let router = Router(apis: [Self.api, Self.other], region: "us-east-1")

    func route(host: String, apiID: String? = nil, _ method: String, _ path: String) throws -> RouteMatch? {
        let selection = try #require(router.select(host: host, apiIDHeader: apiID))
        return router.match(
            api: selection.api, method: method, path: try NormalizedPath(rawPath: Substring(path)),
            stage: selection.stage)
    }

    @Test func stageHostMatchesTheWholePath() throws {
        let match = try #require(try route(host: "grpc.internal:8443", "POST", "/echo.Echo/Say"))
        #expect(match.stage == "prod")
        #expect(match.routePath == ["echo.Echo", "Say"])
        #expect(match.route.key == "POST /echo.Echo/Say")
        #expect(try route(host: "GRPC.INTERNAL", "POST", "/prod/echo.Echo/Say") == nil, "no stage prefix")
        #expect(try route(host: "grpc.internal", "GET", "/prod/x")?.routePath == ["prod", "x"])
    }

    @Test func otherHostsKeepTheStagePrefix() throws {
        #expect(router.select(host: "orders.internal", apiIDHeader: nil)?.stage == nil)
        #expect(try route(host: "orders.internal", "POST", "/prod/echo.Echo/Say")?.stage == "prod")
        #expect(try route(host: "orders.internal", "POST", "/echo.Echo/Say") == nil)
        #expect(
            try route(host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "POST", "/prod/echo.Echo/Say")?
                .stage == "prod")
    }

    @Test func headerSelectionStillHonoursAStageHostOfThatAPI() throws {
        #expect(router.select(host: "grpc.internal", apiIDHeader: "a1b2c3d4e5")?.stage == "prod")
        let other = try #require(router.select(host: "grpc.internal", apiIDHeader: "zzzzzzzzzz"))
        #expect(other.api.id == "zzzzzzzzzz")
        #expect(other.stage == nil, "a stage host of another API pins nothing")
    }
}
