import Testing

@testable import GatehouseConfig

/// `websocket: true` on routes and `limits.websocket_idle_timeout`.
@Suite("WebSocket routes and their idle timeout")
struct WebSocketConfigurationTests {
    static func api(_ routes: String) -> String {
        Configurations.withAPI(
            "  - id: a1b2c3d4e5\n    stages: {prod: {}}\n    routes:\n" + routes)
    }

    @Test func websocketRouteIsReadAndDefaultsOff() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            "      - {route: \"GET /ws\", websocket: true, integration: {type: HTTP_PROXY, uri: \"http://127.0.0.1:9/\"}}\n"
                + "      - {route: \"GET /x\", integration: {type: HTTP_PROXY, uri: \"http://127.0.0.1:9/\"}}\n")
        let configuration = try fixture.configuration(yaml)
        #expect(configuration.apis[0].routes.map(\.websocket) == [true, false])
        #expect(configuration.limits.websocketIdleTimeout == .seconds(300))
    }

    @Test func websocketNeedsAGetAndAProxy() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            "      - {route: \"POST /ws\", websocket: true, integration: {type: HTTP_PROXY, uri: \"http://127.0.0.1:9/\"}}\n"
                + "      - {route: \"GET /m\", websocket: true, integration: {type: MOCK}}\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:14:40: \"websocket\" in route \"POST /ws\" of api \"a1b2c3d4e5\" needs a GET or ANY route "
                    + "(the opening handshake is a GET)",
                "gatehouse.yaml:15:38: \"websocket\" in route \"GET /m\" of api \"a1b2c3d4e5\" needs an HTTP_PROXY "
                    + "integration",
            ])
    }

    @Test func idleTimeoutIsALimit() throws {
        let fixture = try ConfigFixture()
        let good = Configurations.minimal + "limits: {websocket_idle_timeout: 30}\n"
        #expect(try fixture.configuration(good).limits.websocketIdleTimeout == .seconds(30))
        let bad = Configurations.minimal + "limits: {websocket_idle_timeout: 0}\n"
        #expect(
            fixture.problemLines(bad) == [
                "gatehouse.yaml:10:34: \"websocket_idle_timeout\" in \"limits\" must be between 1 and 86400, found 0"
            ])
    }
}
