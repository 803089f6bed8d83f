import Testing

@testable import GatehouseConfig

@Suite("Resource policy sources")
struct PolicyTests {
    static func api(policy: String) -> String {
        Configurations.withAPI("  - id: a1b2c3d4e5\n    stages: {prod: {}}\n" + policy)
    }

    @Test func inlineMappingBecomesJSON() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(
            policy: """
                    policy:
                      Version: 2012-10-17
                      Statement:
                        - Sid: AllowDev
                          Effect: Allow
                          Principal: "*"
                          Action: execute-api:Invoke
                          Resource: ["execute-api:/*"]
                          Condition:
                            IpAddress: {aws:SourceIp: [10.0.0.0/8]}
                            NumericLessThan: {aws:EpochTime: 1900000000}
                            Bool: {aws:SecureTransport: true}
                            StringEquals: {aws:PrincipalTag/team: "${TEAM}", aws:username: "${aws:username}"}
                            Null: {aws:SourceVpce: false}
                          Note: "quote \\" and \\\\ and\\ttab"

                """)
        let policy = try #require(try fixture.configuration(yaml, environment: ["TEAM": "payments"]).apis.first?.policy)
        #expect(
            policy.json
                == #"{"Version":"2012-10-17","Statement":[{"Sid":"AllowDev","Effect":"Allow","Principal":"*","#
                + #""Action":"execute-api:Invoke","Resource":["execute-api:/*"],"Condition":{"IpAddress":"#
                + #"{"aws:SourceIp":["10.0.0.0/8"]},"NumericLessThan":{"aws:EpochTime":1900000000},"#
                + #""Bool":{"aws:SecureTransport":true},"StringEquals":{"aws:PrincipalTag/team":"payments","#
                + #""aws:username":"${aws:username}"},"Null":{"aws:SourceVpce":false}},"#
                + #""Note":"quote \" and \\ and\ttab"}]}"#)
        #expect(policy.origin == .inline)
        #expect(policy.location == SourceLocation(file: fixture.configPath, line: 13, column: 5))
        #expect(policy.documentLocation == policy.location)
    }

    @Test func inlineJSONString() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(policy: "    policy: '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n")
        let policy = try #require(try fixture.configuration(yaml).apis.first?.policy)
        #expect(policy.json == #"{"Version": "2012-10-17", "Statement": []}"#)
        #expect(policy.origin == .inline)
    }

    @Test func unsetVariableInInlinePolicy() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.api(policy: "    policy: {Statement: [{Sid: \"${SID}\"}]}\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:13:13: environment variable SID is not set (used by \"policy\" in api \"a1b2c3d4e5\")"
            ])
    }

    @Test func missingPolicyFileAndWrongType() throws {
        let fixture = try ConfigFixture()
        #expect(
            fixture.problemLines(Self.api(policy: "    policy: policies/missing.json\n")) == [
                "gatehouse.yaml:13:13: file policies/missing.json named by \"policy\" in api \"a1b2c3d4e5\" does not "
                    + "exist"
            ])
        #expect(
            fixture.problemLines(Self.api(policy: "    policy: [a]\n")) == [
                "gatehouse.yaml:13:13: \"policy\" in api \"a1b2c3d4e5\" must be a file path or a mapping, not a list"
            ])
    }

    @Test func absentPolicyIsNil() throws {
        let fixture = try ConfigFixture()
        #expect(try fixture.configuration(Self.api(policy: "")).apis.first?.policy == nil)
    }
}
