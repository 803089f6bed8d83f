import Testing

@testable import GatehouseConfig

/// `throttle`, `api_keys`, `usage_plans` and the stage and route additions of contract section 7: every wrong name
/// or value is reported at its own position.
@Suite("API keys, usage plans and throttles")
struct UsagePlanValidationTests {
    static let api = """
        apis:
          - id: a1b2c3d4e5
            authorization: NONE
            stages:
              prod:
                throttle: {rate: 100, burst: 50, scope: fleet}
                route_throttles: {"GET /users/{name}": {rate: 2.5, burst: 5}}
            routes:
              - route: "GET /users/{id}"
                api_key_required: true
                integration: {type: MOCK, status: 200}

        """

    static let environment = ["GOOD_KEY": "good-key-0123456789abcdef", "SHORT_KEY": "too-short"]

    /// `FILE:LINE:COLUMN: ` of the first occurrence of `needle` in `text` (1-based, as the loader reports).
    static func position(of needle: String, in text: String) -> String {
        guard let first = positions(of: needle, in: text).first else {
            Issue.record("\(needle) is not in the text")
            return ""
        }
        return first
    }

    /// Every line's first occurrence of `needle`, in order.
    static func positions(of needle: String, in text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.range(of: needle).map {
                "gatehouse.yaml:\(index + 1):\(line.distance(from: line.startIndex, to: $0.lowerBound) + 1): "
            }
        }
    }

    @Test func aGoodConfigurationLoadsEveryField() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal + Self.api + """
                throttle: {rate: 20000, burst: 1000}
                api_keys:
                  - {id: good, value_env: GOOD_KEY}
                usage_plans:
                  - id: gold
                    throttle: {rate: 10, burst: 20}
                    quota: {limit: 1000, period: WEEK, offset: 10}
                    api_stages:
                      - {api: a1b2c3d4e5, stage: prod, route_throttles: {"GET /users/{x}": {rate: 1, burst: 2}}}
                    consumers:
                      api_keys: [good]
                      principals: ["arn:aws:iam::123456789012:role/orders-*"]
                      clients: ["spiffe://corp.internal/ns/orders/*"]

                """
        let configuration = try fixture.configuration(yaml, environment: Self.environment)
        #expect(configuration.throttle.rate == 20000 && configuration.throttle.burst == 1000)
        #expect(configuration.apiKeys.map(\.id) == ["good"] && configuration.apiKeys[0].enabled)
        let plan = try #require(configuration.usagePlans.first)
        #expect(plan.quota == QuotaConfiguration(limit: 1000, period: .week, offset: 10))
        // A route throttle is keyed by the API's own route key, whatever its parameter names.
        #expect(plan.apiStages[0].routeThrottles[0].route.description == "GET /users/{id}")
        #expect(plan.consumers.principals == ["arn:aws:iam::123456789012:role/orders-*"])
        let stage = try #require(configuration.apis.first?.stages.first)
        #expect(stage.throttle?.scope == .fleet && stage.throttle?.rate == 100)
        #expect(stage.routeThrottles.map(\.throttle.rate) == [2.5])
        #expect(configuration.apis[0].routes[0].apiKeyRequired)
    }

    @Test func theGatewayThrottleDefaultsToAPIGatewaysAccountLevel() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.minimal)
        #expect(configuration.throttle.rate == 10000 && configuration.throttle.burst == 5000)
        #expect(configuration.throttle.scope == .instance)
    }

    @Test func wrongNamesAndValuesAreReportedAtTheirPositions() throws {
        let fixture = try ConfigFixture()
        let plans = """
            api_keys:
              - {id: good, value_env: GOOD_KEY}
              - {id: short, value_env: SHORT_KEY}
              - {id: good, value_env: GOOD_KEY}
            usage_plans:
              - id: gold
                throtle: {rate: 1, burst: 1}
                api_stages:
                  - {api: zzzzzzzzzz, stage: prod}
                  - {api: a1b2c3d4e5, stage: staging}
                  - {api: a1b2c3d4e5, stage: prod, route_throttles: {"POST /users": {rate: 1, burst: 1}}}
                consumers:
                  api_keys: [good, nobody]

            """
        let yaml = Configurations.minimal + Self.api + plans
        let lines = fixture.problemLines(yaml, environment: Self.environment)
        let expected = [
            Self.position(of: "SHORT_KEY", in: yaml)
                + "the value of api key \"short\" must be 20-128 printable ASCII characters without spaces, found 9 "
                + "characters",
            Self.positions(of: "good, value_env", in: yaml)[1] + "duplicate api key id \"good\" (first at "
                + Self.positions(of: "good, value_env", in: yaml)[0].dropLast(2) + ")",
            Self.position(of: "throtle", in: yaml)
                + "unknown key \"throtle\" in usage plan \"gold\"; did you mean \"throttle\"?",
            Self.position(of: "zzzzzzzzzz", in: yaml)
                + "usage plan \"gold\" names api \"zzzzzzzzzz\", which is not configured",
            Self.position(of: "staging", in: yaml)
                + "usage plan \"gold\" names stage \"staging\", which api \"a1b2c3d4e5\" does not have",
            Self.position(of: "\"POST /users\"", in: yaml)
                + "route throttle \"POST /users\" names no route of api \"a1b2c3d4e5\"",
            Self.position(of: "nobody", in: yaml)
                + "usage plan \"gold\" names api key \"nobody\", which is not configured",
        ]
        #expect(lines.count == expected.count, "\(lines)")
        for line in expected {
            #expect(lines.contains(line), "missing \(line) in \(lines)")
        }
        // The secret value itself is never quoted.
        #expect(!lines.joined().contains("too-short"))
    }

    @Test func aStageRouteThrottleMustNameARouteOfItsAPI() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal
            + Self.api.replacingOccurrences(of: "GET /users/{name}", with: "DELETE /users/{name}")
        #expect(
            fixture.problemLines(yaml) == [
                Self.position(of: "\"DELETE /users/{name}\"", in: yaml)
                    + "route throttle \"DELETE /users/{name}\" names no route of api \"a1b2c3d4e5\""
            ])
    }

    @Test func throttleValuesAreChecked() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "throttle: {rate: 0, burst: -1, scope: galaxy}\n"
        #expect(
            fixture.problemLines(yaml) == [
                Self.position(of: "0, burst", in: yaml)
                    + "\"rate\" in \"throttle\" at top level must be above 0 and at most 1000000000, found 0",
                Self.position(of: "-1, scope", in: yaml)
                    + "\"burst\" in \"throttle\" at top level must be between 0 and 1000000000, found -1",
                Self.position(of: "galaxy", in: yaml)
                    + "\"scope\" in \"throttle\" at top level must be one of \"instance\", \"fleet\", found \"galaxy\"",
            ])
    }
}
