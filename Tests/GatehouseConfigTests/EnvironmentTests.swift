import Testing

@testable import GatehouseConfig

@Suite("Environment variables in string values")
struct EnvironmentTests {
    @Test func credentialsDirectoryReachesKeyPaths() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(
            of: "private_key: certs/dev/server-key.pem", with: "private_key: ${CREDENTIALS_DIRECTORY}/server-key.pem")
        let configuration = try fixture.configuration(
            yaml, environment: ["CREDENTIALS_DIRECTORY": fixture.folder + "/certs/dev"])
        #expect(configuration.listeners.first?.tls?.privateKey.path == fixture.folder + "/certs/dev/server-key.pem")
    }

    @Test func unsetVariableIsReportedAtItsValue() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(
            of: "private_key: certs/dev/server-key.pem", with: "private_key: ${CREDENTIALS_DIRECTORY}/server-key.pem")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:8:20: environment variable CREDENTIALS_DIRECTORY is not set (used by \"private_key\" "
                    + "in "
                    + "\"tls\" of listener \"https\")"
            ])
    }

    @Test func everyUnsetVariableIsReported() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(of: "region: us-east-1", with: "region: ${A}-${B}-1")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:1:9: environment variable A is not set (used by \"region\" at top level)",
                "gatehouse.yaml:1:9: environment variable B is not set (used by \"region\" at top level)",
            ])
    }

    @Test func variablesWorkInNumbersBooleansAndBinds() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal.replacingOccurrences(of: "bind: 127.0.0.1:8443", with: "bind: ${BIND}")
            + "max_clock_skew: ${SKEW}\nlimits: {max_body_bytes: \"${BODY}\"}\n"
        let configuration = try fixture.configuration(
            yaml, environment: ["BIND": "10.0.0.7:8443", "SKEW": "120", "BODY": "2048"])
        #expect(configuration.listeners.first?.bind.description == "10.0.0.7:8443")
        #expect(configuration.maxClockSkew == .seconds(120))
        #expect(configuration.limits.maxBodyBytes == 2048)

        #expect(
            fixture.problemLines(yaml, environment: ["BIND": "10.0.0.7:8443", "SKEW": "soon", "BODY": "1"]) == [
                "gatehouse.yaml:10:17: \"max_clock_skew\" at top level must be a decimal integer, found \"soon\""
            ])
    }

    @Test func unterminatedReference() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(of: "region: us-east-1", with: "region: \"${REGION\"")
        #expect(
            fixture.problemLines(yaml, environment: ["REGION": "x"]) == [
                "gatehouse.yaml:1:9: unterminated \"${\" in \"region\" at top level"
            ])
    }

    @Test func expanderLeavesNonEnvironmentReferencesAlone() {
        let expander = EnvironmentExpander(environment: ["HOME": "/root", "_X1": "y"])
        #expect(expander.expand("${HOME}/a/${_X1}").text == "/root/a/y")
        #expect(expander.expand("${HOME}/a/${_X1}").failures.isEmpty)
        #expect(expander.expand("${stageVariables.backend}/x").text == "${stageVariables.backend}/x")
        #expect(expander.expand("arn:${aws:username}").text == "arn:${aws:username}")
        #expect(expander.expand("no refs $HOME {x}").text == "no refs $HOME {x}")
        #expect(expander.expand("${NOPE}").failures == [.unset(name: "NOPE")])
        #expect(expander.expand("${HOME").failures == [.unterminated])
    }
}
