import Testing

@testable import GatehouseConfig

@Suite("Unknown keys, wrong types, missing fields")
struct UnknownKeyAndTypeTests {
    @Test func unknownTopLevelKeyWithSuggestion() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "max_clok_skew: 5\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:1: unknown key \"max_clok_skew\" at top level; did you mean \"max_clock_skew\"?"
            ])
    }

    @Test func unknownKeyWithoutCloseMatchHasNoSuggestion() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "frobnicate: true\n"
        #expect(fixture.problemLines(yaml) == ["gatehouse.yaml:10:1: unknown key \"frobnicate\" at top level"])
    }

    @Test func unknownKeyInListener() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(
            of: "    bind: 127.0.0.1:8443\n", with: "    bind: 127.0.0.1:8443\n    alow_sources: [10.0.0.0/8]\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:6:5: unknown key \"alow_sources\" in listener \"https\"; did you mean "
                    + "\"allow_sources\"?"
            ])
    }

    @Test func unknownKeyInTLSAndDeeper() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal + """
                min_verison: "1.3"
                apis:
                  - id: a1b2c3d4e5
                    stages: {prod: {variabels: {}}}
                    routes:
                      - route: GET /x
                        integration: {type: MOCK, stauts: 200}
                """
        let tlsYAML = yaml.replacingOccurrences(of: "min_verison: \"1.3\"\n", with: "")
            .replacingOccurrences(
                of: "      client_ca: certs/dev/ca.pem\n",
                with: "      client_ca: certs/dev/ca.pem\n      min_verison: \"1.3\"\n")
        #expect(
            fixture.problemLines(tlsYAML) == [
                "\(at("min_verison", in: tlsYAML)): unknown key \"min_verison\" in \"tls\" of listener \"https\"; "
                    + "did you mean \"min_version\"?",
                "\(at("variabels", in: tlsYAML)): unknown key \"variabels\" in stage \"prod\" of api \"a1b2c3d4e5\"; "
                    + "did you mean \"variables\"?",
                "\(at("stauts", in: tlsYAML)): unknown key \"stauts\" in the integration of route \"GET /x\" of api "
                    + "\"a1b2c3d4e5\"; did you mean \"status\"?",
            ])
    }

    @Test func wrongScalarType() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "max_clock_skew: soon\ndrain_timeout: [1]\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:17: \"max_clock_skew\" at top level must be an integer, not a string \"soon\"",
                "gatehouse.yaml:11:16: \"drain_timeout\" at top level must be an integer, not a list",
            ])
    }

    @Test func wrongContainerType() throws {
        let fixture = try ConfigFixture()
        let yaml = """
            region: us-east-1
            account_id: "123456789012"
            listeners: {name: https}
            """
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:3:12: \"listeners\" at top level must be a list, not a mapping"
            ])
    }

    @Test func wrongBooleanAndEnum() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal.replacingOccurrences(
                of: "    bind: 127.0.0.1:8443\n", with: "    bind: 127.0.0.1:8443\n    proxy_protocol: maybe\n")
            + "log_target: syslog\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:6:21: \"proxy_protocol\" in listener \"https\" must be true or false, found a string "
                    + "\"maybe\"",
                "gatehouse.yaml:11:13: \"log_target\" at top level must be one of \"auto\", \"journal\", \"stderr\", "
                    + "found \"syslog\"",
            ])
    }

    @Test func outOfRangeInteger() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "limits:\n  max_connections: 0\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:11:20: \"max_connections\" in \"limits\" must be between 1 and 1000000, found 0"
            ])
    }

    @Test func missingRequiredFieldIsReportedAtItsMapping() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(of: "    bind: 127.0.0.1:8443\n", with: "")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:4:5: missing required field \"bind\" in listener \"https\""
            ])
    }

    @Test func missingTopLevelFields() throws {
        let fixture = try ConfigFixture()
        let yaml = "log_target: auto\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:1:1: missing required field \"region\" at top level",
                "gatehouse.yaml:1:1: missing required field \"account_id\" at top level",
                "gatehouse.yaml:1:1: missing required field \"listeners\" at top level",
            ])
    }

    @Test func badRegionAndAccountID() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(of: "region: us-east-1", with: "region: US East")
            .replacingOccurrences(of: "account_id: \"123456789012\"", with: "account_id: 12345")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:1:9: \"region\" must be an AWS region name such as \"us-east-1\", found \"US East\"",
                "gatehouse.yaml:2:13: \"account_id\" must be 12 digits (quote it), found \"12345\"",
            ])
    }

    @Test func unquotedAccountIDOfTwelveDigitsIsAccepted() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(
            of: "account_id: \"123456789012\"", with: "account_id: 123456789012")
        #expect(try fixture.configuration(yaml).accountID == "123456789012")
    }

    @Test func duplicateYAMLKey() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "region: eu-west-1\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:1: duplicate key \"region\" at top level (first at \(fixture.configPath):1:1)"
                    .replacingOccurrences(of: fixture.folder + "/", with: "")
            ])
    }

    @Test func yamlSyntaxErrorHasAPosition() throws {
        let fixture = try ConfigFixture()
        let problems = try fixture.problems("region: us-east-1\nlisteners: [a, b\n")
        try #require(problems.count == 1)
        #expect(problems[0].file == fixture.configPath)
        #expect(problems[0].line != nil)
        #expect(problems[0].column != nil)
        #expect(problems[0].message.hasPrefix("invalid YAML: "))
    }

    @Test func missingConfigurationFile() {
        let result = ConfigurationLoader.load(path: "/nonexistent/gatehouse.yaml", environment: [:])
        guard case .failure(let problems) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(problems.description == "/nonexistent/gatehouse.yaml: file does not exist")
    }

    @Test func manyProblemsAreReportedTogetherInFileOrder() throws {
        let fixture = try ConfigFixture()
        let yaml = """
            region: us-east-1
            account_id: "12"
            listeners:
              - name: https
                bind: 8.8.8.8:443
                tls:
                  certificate: certs/dev/nope.pem
                  private_key: certs/dev/server-key.pem
                  client_ca: certs/dev/ca.pem
                allow_sources: [vpce-nowhere]
            apis:
              - id: ORDERS
                stages: {prod: {}}
                routes: []
            """
        let lines = fixture.problemLines(yaml)
        #expect(
            lines == [
                "gatehouse.yaml:2:13: \"account_id\" must be 12 digits (quote it), found \"12\"",
                "gatehouse.yaml:5:11: bind \"8.8.8.8:443\" in listener \"https\" is not an internal address "
                    + "(loopback, RFC 1918, RFC 6598, link-local or ULA); set \"allow_public_bind: true\" to allow it",
                "gatehouse.yaml:7:20: file certs/dev/nope.pem named by \"certificate\" in \"tls\" of listener "
                    + "\"https\" "
                    + "does not exist",
                "gatehouse.yaml:10:21: unknown network id \"vpce-nowhere\" in \"allow_sources\" in listener \"https\" "
                    + "(no networks are defined)",
                "gatehouse.yaml:12:9: api id \"ORDERS\" must be 10 lowercase letters or digits, as in API Gateway",
            ])
    }
}

extension UnknownKeyAndTypeTests {
    @Test func emptyListenerListAndNonMappingDocument() throws {
        let fixture = try ConfigFixture()
        #expect(
            fixture.problemLines("region: us-east-1\naccount_id: \"123456789012\"\nlisteners: []\n") == [
                "gatehouse.yaml:3:12: \"listeners\" must list at least one listener"
            ])
        #expect(
            fixture.problemLines("- a\n- b\n") == ["gatehouse.yaml:1:1: expected a mapping at top level, found a list"])
        #expect(fixture.problemLines("") == ["gatehouse.yaml: file is empty"])
    }

    @Test func problemDescriptionsWithAndWithoutPosition() {
        #expect(
            ConfigurationProblem(file: "g.yaml", line: 3, column: 7, message: "bad").description == "g.yaml:3:7: bad")
        #expect(ConfigurationProblem(file: "g.yaml", message: "bad").description == "g.yaml: bad")
        let problems = ConfigurationProblems([
            ConfigurationProblem(file: "g.yaml", line: 1, column: 1, message: "one"),
            ConfigurationProblem(location: SourceLocation(file: "p.json"), message: "two"),
        ])
        #expect(problems.description == "g.yaml:1:1: one\np.json: two")
    }
}
