import Testing

@testable import GatehouseConfig

/// `hosts` entries `{host, stage}` (contract section 9): the stage a host pins, and the positioned problems.
@Suite("hosts entries that pin a stage")
struct StageHostTests {
    static func api(hosts: String) -> String {
        Configurations.withAPI(
            "  - id: a1b2c3d4e5\n    hosts:\n" + hosts + "    stages: {prod: {}, dev: {}}\n")
    }

    @Test func mappingsAndPlainNamesMix() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            hosts: "      - orders.internal\n      - {host: GRPC.internal, stage: prod}\n"
                + "      - host: grpc-dev.internal\n        stage: dev\n")
        let api = try #require(try fixture.configuration(yaml).apis.first)
        #expect(api.hosts == ["orders.internal", "grpc.internal", "grpc-dev.internal"])
        #expect(api.stageHosts == ["grpc.internal": "prod", "grpc-dev.internal": "dev"])
    }

    @Test func unknownStageIsReportedAtTheStage() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(hosts: "      - {host: grpc.internal, stage: test}\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:13:38: host \"grpc.internal\" names unknown stage \"test\" in api \"a1b2c3d4e5\" "
                    + "(stages: \"prod\", \"dev\")"
            ])
    }

    @Test func duplicateHostAcrossFormsIsReported() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(hosts: "      - grpc.internal\n      - {host: grpc.internal, stage: prod}\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:14:16: host \"grpc.internal\" is listed twice in api \"a1b2c3d4e5\""
            ])
    }

    @Test func mappingNeedsHostAndStageAndNothingElse() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            hosts: "      - {host: grpc.internal}\n      - {host: b.internal, stage: prod, path: /x}\n"
                + "      - {host: \"bad host\", stage: prod}\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:13:9: missing required field \"stage\" in an item of \"hosts\" in api \"a1b2c3d4e5\"",
                "gatehouse.yaml:14:41: unknown key \"path\" in an item of \"hosts\" in api \"a1b2c3d4e5\"",
                "gatehouse.yaml:15:16: \"bad host\" in \"hosts\" in api \"a1b2c3d4e5\" is not a valid host name",
            ])
    }
}
