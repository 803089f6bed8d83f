import Foundation
import IPNetwork
import Testing

@testable import AccessPolicy

@Suite("Request facts → context keys")
struct RequestFactsTests {
    static let facts = RequestFacts(
        sourceIP: IPAddress("10.1.2.3"), sourceVpce: "vpce-dev", sourceVpc: "vpc-dev",
        principalArn: "arn:aws:iam::123456789012:user/alice", principalTags: ["Team": "payments"],
        now: Fixture.noon, secureTransport: true, userAgent: "curl/8.5", clientCertSubject: "CN=orders,OU=svc",
        clientCertURIs: ["spiffe://corp/ns/prod/orders", "urn:x"], clientCertDNS: ["orders.internal"],
        clientCertSHA256: "ab12")

    @Test func everyKeyMapsFromItsField() {
        let values = Self.facts.contextValues
        #expect(values["aws:SourceIp"] == ["10.1.2.3"])
        #expect(values["aws:VpcSourceIp"] == ["10.1.2.3"])
        #expect(values["aws:SourceVpce"] == ["vpce-dev"])
        #expect(values["aws:SourceVpc"] == ["vpc-dev"])
        #expect(values["aws:PrincipalArn"] == ["arn:aws:iam::123456789012:user/alice"])
        #expect(values["aws:PrincipalAccount"] == ["123456789012"])
        #expect(values["aws:PrincipalTag/Team"] == ["payments"])
        #expect(values["aws:CurrentTime"] == ["2026-11-28T12:00:00Z"])
        #expect(values["aws:EpochTime"] == ["1795867200"])
        #expect(values["aws:SecureTransport"] == ["true"])
        #expect(values["aws:UserAgent"] == ["curl/8.5"])
        #expect(values["gatehouse:ClientCertSubject"] == ["CN=orders,OU=svc"])
        #expect(values["gatehouse:ClientCertUri"] == ["spiffe://corp/ns/prod/orders", "urn:x"])
        #expect(values["gatehouse:ClientCertDns"] == ["orders.internal"])
        #expect(values["gatehouse:ClientCertSha256"] == ["ab12"])
        #expect(values.count == 15)
    }

    @Test func lookupIsCaseInsensitiveAndAbsentKeysAreNil() {
        #expect(Self.facts.values(forKey: "AWS:PRINCIPALTAG/team") == ["payments"])
        #expect(Self.facts.values(forKey: "aws:principaltag/other") == nil)
        let anonymous = RequestFacts(now: Fixture.noon)
        #expect(anonymous.values(forKey: "aws:PrincipalArn") == nil)
        #expect(anonymous.values(forKey: "aws:PrincipalAccount") == nil)
        #expect(anonymous.values(forKey: "aws:SourceIp") == nil)
        #expect(anonymous.values(forKey: "gatehouse:ClientCertUri") == nil)
        #expect(anonymous.values(forKey: "aws:SecureTransport") == ["true"])
    }

    @Test func explicitAccountWinsOverTheARN() {
        var facts = Self.facts
        facts.principalAccount = "999999999999"
        #expect(facts.values(forKey: "aws:PrincipalAccount") == ["999999999999"])
    }

    @Test func extraKeysAddAndOverride() {
        var facts = Self.facts
        facts.extra = ["AWS:SourceVpce": ["vpce-other"], "custom:Stage": ["a", "b"]]
        #expect(facts.values(forKey: "aws:sourcevpce") == ["vpce-other"])
        #expect(facts.values(forKey: "custom:stage") == ["a", "b"])
        #expect(facts.contextValues["aws:SourceVpce"] == ["vpce-other"])
        #expect(facts.contextValues["custom:Stage"] == ["a", "b"])
    }

    @Test func evaluationUsesThePrincipalArgumentForPrincipalKeys() throws {
        let policy = try Fixture.conditionPolicy(#"{"StringEquals": {"aws:PrincipalAccount": "123456789012"}}"#)
        let facts = RequestFacts(now: Fixture.noon)
        #expect(policy.evaluate(principal: Fixture.alice, resource: Fixture.resource(), facts: facts).isAllowed)
        #expect(!policy.evaluate(principal: nil, resource: Fixture.resource(), facts: facts).isAllowed)
    }
}

@Suite("ARNs, AccessDenied message, decision text")
struct ExecuteAPIARNTests {
    @Test func resourceARNDropsTheLeadingSlash() {
        #expect(
            ExecuteAPIARN.resource(
                region: "us-east-1", accountID: "123456789012", apiID: "a1b2c3d4e5", stage: "prod",
                method: "GET", path: "/users/42")
                == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/users/42")
        #expect(
            ExecuteAPIARN.resource(
                region: "us-east-1", accountID: "123456789012", apiID: "a1b2c3d4e5", stage: "prod",
                method: "GET", path: "/") == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/")
        #expect(
            ExecuteAPIARN.resource(
                region: "cn-north-1", accountID: "123456789012", apiID: "a1b2c3d4e5", stage: "p",
                method: "PUT", path: "x") == "arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3d4e5/p/PUT/x")
    }

    @Test func shorthandExpandsToThisAPI() {
        #expect(
            ExecuteAPIARN.expandShorthand("execute-api:/*", region: "eu-west-1", accountID: "1", apiID: "abc")
                == "arn:aws:execute-api:eu-west-1:1:abc/*")
        #expect(
            ExecuteAPIARN.expandShorthand("arn:aws:s3:::b", region: "eu-west-1", accountID: "1", apiID: "abc")
                == "arn:aws:s3:::b")
    }

    @Test func accessDeniedMessages() {
        let arn = Fixture.resource()
        #expect(
            AccessDeniedMessage.text(principal: nil, resource: arn, decision: .implicitDeny)
                == "User: anonymous is not authorized to perform: execute-api:Invoke on resource: \(arn)")
        #expect(
            AccessDeniedMessage.text(principal: Fixture.alice, resource: arn, decision: .explicitDeny(statement: "X"))
                == "User: \(Fixture.alice) is not authorized to perform: execute-api:Invoke on resource: \(arn)"
                + " with an explicit deny")
    }

    @Test func decisionText() {
        #expect(PolicyDecision.allow(statement: "A").description == "ALLOW A")
        #expect(PolicyDecision.explicitDeny(statement: "statement 2").description == "DENY statement 2")
        #expect(PolicyDecision.implicitDeny.description == "DENY implicit deny")
        #expect(!PolicyDecision.implicitDeny.isAllowed)
    }
}
