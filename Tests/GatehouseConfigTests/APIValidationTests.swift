import Testing

@testable import GatehouseConfig

@Suite("APIs, stages, routes and integrations")
struct APIValidationTests {
    /// An api with one stage `prod` (variable `backend`) and the given routes (indented list items).
    static func api(id: String = "a1b2c3d4e5", stages: String? = nil, routes: String) -> String {
        Configurations.withAPI(
            "  - id: \(id)\n"
                + (stages ?? "    stages:\n      prod:\n        variables: {backend: \"http://127.0.0.1:9000\"}\n")
                + "    routes:\n" + routes)
    }

    static func proxyRoute(_ route: String, uri: String, extra: String = "") -> String {
        "      - route: \"\(route)\"\n        integration: {type: HTTP_PROXY, uri: \"\(uri)\"\(extra)}\n"
    }

    @Test func apiIDFormat() throws {
        let fixture = try ConfigFixture()
        for bad in ["abc", "A1B2C3D4E5", "a1b2c3d4e5f", "a1b2c3d4e-"] {
            let yaml = Self.api(id: bad, routes: Self.proxyRoute("GET /x", uri: "http://127.0.0.1:9000/x"))
            #expect(
                fixture.problemLines(yaml) == [
                    "gatehouse.yaml:11:9: api id \"\(bad)\" must be 10 lowercase letters or digits, as in API Gateway"
                ])
        }
    }

    @Test func duplicateAPIIDsAndHosts() throws {
        let fixture = try ConfigFixture()
        let one = "  - id: a1b2c3d4e5\n    hosts: [orders.internal]\n    stages: {prod: {}}\n"
        let yaml = Configurations.withAPI(one + one.replacingOccurrences(of: "a1b2c3d4e5", with: "zzzzzzzzzz") + one)
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:15:12: host \"orders.internal\" of api \"zzzzzzzzzz\" is also a host of the api at "
                    + "gatehouse.yaml:11:5",
                "gatehouse.yaml:17:9: duplicate api id \"a1b2c3d4e5\" (first at gatehouse.yaml:11:9)",
            ])
    }

    @Test func badRoutes() throws {
        let fixture = try ConfigFixture()
        let routes = [
            (
                "FETCH /x",
                "route \"FETCH /x\" has unknown method \"FETCH\" (one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, "
                    + "ANY)"
            ),
            ("GET users", "route \"GET users\" must have a path starting with \"/\""),
            ("GET /{proxy+}/x", "route \"GET /{proxy+}/x\": \"{proxy+}\" must be the last segment"),
            ("GET /a//b", "route \"GET /a//b\" has an empty path segment"),
            ("GET /a/{id}/{id}", "route \"GET /a/{id}/{id}\" uses parameter \"id\" twice"),
            ("GET /a/x{id}", "route \"GET /a/x{id}\": segment \"x{id}\" must be a literal or a whole \"{name}\""),
            ("/x", "route \"/x\" must be \"METHOD /path\""),
        ]
        for (route, message) in routes {
            let yaml = Self.api(routes: Self.proxyRoute(route, uri: "http://127.0.0.1:9000/"))
            #expect(
                fixture.problemLines(yaml) == ["gatehouse.yaml:16:16: \(message) in api \"a1b2c3d4e5\""])
        }
    }

    @Test func routeKeysAreParsed() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            routes: Self.proxyRoute(
                "DELETE /orders/{orderId}/items/{item}", uri: "http://127.0.0.1:9000/{orderId}/{item}")
                + Self.proxyRoute("OPTIONS /", uri: "http://127.0.0.1:9000")
                + Self.proxyRoute("POST /files/{path+}", uri: "http://127.0.0.1:9000/store/{path+}"))
        let routes = try #require(try fixture.configuration(yaml).apis.first?.routes)
        #expect(
            routes[0].key
                == RouteKey(
                    method: .delete,
                    segments: [.literal("orders"), .parameter("orderId"), .literal("items"), .parameter("item")]))
        #expect(routes[1].key == RouteKey(method: .options, segments: []))
        #expect(routes[1].key.description == "OPTIONS /")
        guard case .httpProxy(let root) = routes[1].integration, case .httpProxy(let files) = routes[2].integration
        else {
            Issue.record("expected HTTP_PROXY integrations")
            return
        }
        #expect(root.targets["prod"]?.pathTemplate == [.literal("/")], "a URI without a path forwards to /")
        #expect(files.targets["prod"]?.pathTemplate == [.literal("/store/"), .greedy("path")])
    }

    @Test func duplicateRouteKeysEvenWithRenamedParameters() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            routes: Self.proxyRoute("GET /users/{id}", uri: "http://127.0.0.1:9000/")
                + Self.proxyRoute("GET /users/{uid}", uri: "http://127.0.0.1:9000/")
                + Self.proxyRoute("POST /users/{uid}", uri: "http://127.0.0.1:9000/"))
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:18:16: duplicate route \"GET /users/{uid}\" in api \"a1b2c3d4e5\" (same as "
                    + "\"GET /users/{id}\" at gatehouse.yaml:16:16)"
            ])
    }

    @Test func stageVariablesExpandPerStage() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            stages: """
                    stages:
                      prod: {variables: {backend: "http://10.0.0.1:9000", prefix: v1}}
                      dev: {variables: {backend: "unix:/run/orders-dev.sock:", prefix: v2}}

                """,
            routes: Self.proxyRoute("GET /users/{id}", uri: "${stageVariables.backend}/${stageVariables.prefix}/u/{id}")
        )
        let api = try #require(try fixture.configuration(yaml).apis.first)
        #expect(api.stages.map(\.name) == ["prod", "dev"])
        guard case .httpProxy(let integration) = api.routes.first?.integration else {
            Issue.record("expected HTTP_PROXY")
            return
        }
        #expect(integration.uri == "${stageVariables.backend}/${stageVariables.prefix}/u/{id}")
        #expect(
            integration.targets["prod"]
                == UpstreamTarget(
                    upstream: .http(host: "10.0.0.1", port: 9000),
                    pathTemplate: [.literal("/v1/u/"), .parameter("id")],
                    uri: "http://10.0.0.1:9000/v1/u/{id}"))
        #expect(
            integration.targets["dev"]
                == UpstreamTarget(
                    upstream: .unix(path: "/run/orders-dev.sock"),
                    pathTemplate: [.literal("/v2/u/"), .parameter("id")],
                    uri: "unix:/run/orders-dev.sock:/v2/u/{id}"))
    }

    @Test func unknownStageVariable() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            stages: "    stages:\n      prod: {variables: {backend: \"http://127.0.0.1:9000\"}}\n      dev: {}\n",
            routes: Self.proxyRoute("GET /x", uri: "${stageVariables.backend}/x"))
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:17:46: unknown stage variable \"backend\" in \"uri\" in the integration of route "
                    + "\"GET /x\" of api \"a1b2c3d4e5\": stage \"dev\" does not define it"
            ])
    }

    @Test func placeholderNotInRoute() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(routes: Self.proxyRoute("GET /users/{id}", uri: "http://127.0.0.1:9000/users/{user}"))
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:17:46: integration uri \"http://127.0.0.1:9000/users/{user}\": placeholder \"{user}\" "
                    + "is "
                    + "not a parameter of route \"GET /users/{id}\" (it has {id}) in the integration of route "
                    + "\"GET /users/{id}\" of api \"a1b2c3d4e5\""
            ])
        let proxy = Self.api(routes: Self.proxyRoute("GET /static", uri: "http://127.0.0.1:9000/{proxy}"))
        #expect(
            fixture.problemLines(proxy).first?.contains(
                "placeholder \"{proxy}\" is not a parameter of route \"GET /static\" (the route has none)") == true)
    }

    @Test func badIntegrationURIs() throws {
        let fixture = try ConfigFixture()
        let cases = [
            (
                "https://10.0.0.1/x",
                "integration uri \"https://10.0.0.1/x\" uses https, which is not supported for upstreams; use http:// "
                    + "or unix: (the upstream is expected on the same host or private network)"
            ),
            (
                "ftp://10.0.0.1/x",
                "integration uri \"ftp://10.0.0.1/x\" must start with \"http://\", \"unix:\", \"h2c://\" or \"h2://\""
            ),
            ("http://10.0.0.1:0/x", "integration uri \"http://10.0.0.1:0/x\": invalid port \"0\" (1-65535)"),
            ("http:///x", "integration uri \"http:///x\": invalid host \"\""),
            ("unix::/x", "integration uri \"unix::/x\" names no socket path after \"unix:\""),
        ]
        for (uri, message) in cases {
            let yaml = Self.api(routes: Self.proxyRoute("GET /x", uri: uri))
            #expect(
                fixture.problemLines(yaml) == [
                    "gatehouse.yaml:17:46: \(message) in the integration of route \"GET /x\" of api \"a1b2c3d4e5\""
                ])
        }
    }

    @Test func integrationTimeout() throws {
        let fixture = try ConfigFixture()
        let ok = Self.api(
            routes: Self.proxyRoute("GET /x", uri: "http://127.0.0.1:9000/x", extra: ", timeout_ms: 120000"))
        guard case .httpProxy(let integration) = try fixture.configuration(ok).apis.first?.routes.first?.integration
        else {
            Issue.record("expected HTTP_PROXY")
            return
        }
        #expect(integration.timeout == .seconds(120))
        let tooLong = Self.api(
            routes: Self.proxyRoute("GET /x", uri: "http://127.0.0.1:9000/x", extra: ", timeout_ms: 300001"))
        #expect(
            fixture.problemLines(tooLong) == [
                "gatehouse.yaml:17:85: \"timeout_ms\" in the integration of route \"GET /x\" of api \"a1b2c3d4e5\" "
                    + "must "
                    + "be between 50 and 300000, found 300001"
            ])
    }

    @Test func integrationTypeAndKeysPerType() throws {
        let fixture = try ConfigFixture()
        let badType = Self.api(routes: "      - route: GET /x\n        integration: {type: LAMBDA}\n")
        #expect(
            fixture.problemLines(badType) == [
                "gatehouse.yaml:17:29: \"type\" in the integration of route \"GET /x\" of api \"a1b2c3d4e5\" must be "
                    + "one "
                    + "of \"HTTP_PROXY\", \"MOCK\", found \"LAMBDA\""
            ])
        let mockWithURI = Self.api(
            routes: "      - route: GET /x\n        integration: {type: MOCK, uri: \"http://x/\"}\n")
        #expect(
            fixture.problemLines(mockWithURI) == [
                "gatehouse.yaml:17:35: unknown key \"uri\" in the integration of route \"GET /x\" of api \"a1b2c3d4e5\""
            ])
        let noType = Self.api(routes: "      - route: GET /x\n        integration: {uri: \"http://127.0.0.1/\"}\n")
        #expect(
            fixture.problemLines(noType) == [
                "gatehouse.yaml:17:22: missing required field \"type\" in the integration of route \"GET /x\" of api "
                    + "\"a1b2c3d4e5\" (HTTP_PROXY or MOCK)"
            ])
        let noIntegration = Self.api(routes: "      - route: GET /x\n")
        #expect(
            fixture.problemLines(noIntegration) == [
                "gatehouse.yaml:16:9: missing required field \"integration\" in route \"GET /x\" of api \"a1b2c3d4e5\""
            ])
    }

    @Test func mockDefaultsAndBadStatus() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(routes: "      - route: GET /x\n        integration: {type: MOCK}\n")
        #expect(
            try fixture.configuration(yaml).apis.first?.routes.first?.integration
                == .mock(MockIntegrationConfiguration(status: 200, headers: [], body: "")))
        let bad = Self.api(routes: "      - route: GET /x\n        integration: {type: MOCK, status: 99}\n")
        #expect(
            fixture.problemLines(bad) == [
                "gatehouse.yaml:17:43: \"status\" in the integration of route \"GET /x\" of api \"a1b2c3d4e5\" must be "
                    + "between 100 and 599, found 99"
            ])
    }

    @Test func authorizationDefaultsAndOverrides() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.withAPI(
            """
              - id: a1b2c3d4e5
                authorization: NONE
                stages: {prod: {}}
                routes:
                  - route: GET /open
                    integration: {type: MOCK}
                  - route: GET /closed
                    authorization: AWS_IAM
                    integration: {type: MOCK}

            """)
        let api = try #require(try fixture.configuration(yaml).apis.first)
        #expect(api.authorization == .none)
        #expect(api.name == "a1b2c3d4e5", "name defaults to the id")
        #expect(api.routes.map(\.authorization) == [.none, .awsIAM])
        let bad = yaml.replacingOccurrences(of: "authorization: AWS_IAM", with: "authorization: IAM")
        #expect(
            fixture.problemLines(bad) == [
                "gatehouse.yaml:18:24: \"authorization\" in route \"GET /closed\" of api \"a1b2c3d4e5\" must be one of "
                    + "\"AWS_IAM\", \"NONE\", found \"IAM\""
            ])
    }

    @Test func stagesAreRequiredAndNamed() throws {
        let fixture = try ConfigFixture()
        let none = Configurations.withAPI("  - id: a1b2c3d4e5\n")
        #expect(
            fixture.problemLines(none) == [
                "gatehouse.yaml:11:5: missing required field \"stages\" in api \"a1b2c3d4e5\" (requests name a stage "
                    + "as the first path segment)"
            ])
        let badName = Configurations.withAPI("  - id: a1b2c3d4e5\n    stages: {\"pr od\": {}}\n")
        #expect(
            fixture.problemLines(badName) == [
                "gatehouse.yaml:12:14: stage name \"pr od\" in api \"a1b2c3d4e5\" must be letters, digits, \"-\" or "
                    + "\"_\" "
                    + "(at most 128)"
            ])
    }
}

extension APIValidationTests {
    @Test func unixSocketURIs() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            routes: Self.proxyRoute("ANY /{proxy+}", uri: "unix:/run/orders.sock:/api/{proxy}")
                + Self.proxyRoute("GET /health", uri: "unix:sockets/orders.sock"))
        let routes = try #require(try fixture.configuration(yaml).apis.first?.routes)
        guard case .httpProxy(let proxy) = routes[0].integration, case .httpProxy(let health) = routes[1].integration
        else {
            Issue.record("expected HTTP_PROXY integrations")
            return
        }
        #expect(proxy.targets["prod"]?.upstream == .unix(path: "/run/orders.sock"))
        #expect(proxy.targets["prod"]?.pathTemplate == [.literal("/api/"), .greedy("proxy")])
        #expect(health.targets["prod"]?.upstream == .unix(path: fixture.folder + "/sockets/orders.sock"))
        #expect(health.targets["prod"]?.pathTemplate == [.literal("/")])

        let ambiguous = Self.api(routes: Self.proxyRoute("GET /{id}", uri: "unix:/run/orders.sock/{id}"))
        #expect(
            fixture.problemLines(ambiguous) == [
                "gatehouse.yaml:17:46: integration uri \"unix:/run/orders.sock/{id}\" has a placeholder in the socket "
                    + "path; separate the request path with \":\" as in \"unix:/run/app.sock:/path/{proxy}\" in the "
                    + "integration of route \"GET /{id}\" of api \"a1b2c3d4e5\""
            ])
    }
}
