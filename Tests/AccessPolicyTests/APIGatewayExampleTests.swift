import Testing

@testable import AccessPolicy

/// The resource-policy examples of the API Gateway developer guide ("API Gateway resource policy examples"),
/// with the outcomes the guide documents.
@Suite("API Gateway developer guide examples")
struct APIGatewayExampleTests {
    static func decide(
        _ policy: ResourcePolicy, principal: String? = nil, resource: String = Fixture.resource(),
        _ facts: RequestFacts
    ) -> PolicyDecision {
        policy.evaluate(principal: principal, resource: resource, facts: facts)
    }

    /// "Allow private API traffic based on source VPC endpoint": Allow everyone, Deny when aws:SourceVpce differs.
    @Test func allowOnlyFromSourceVPCEndpoint() throws {
        let policy = try Fixture.policy(
            """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"]},
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"],
                     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
                ]
            }
            """)
        #expect(Self.decide(policy, Fixture.facts(vpce: "vpce-1a2b3c4d")) == .allow(statement: "statement 1"))
        #expect(Self.decide(policy, Fixture.facts(vpce: "vpce-9z8y7x6w")) == .explicitDeny(statement: "statement 2"))
        // Not through any endpoint: the key is missing, StringNotEquals is true, the Deny applies.
        #expect(Self.decide(policy, Fixture.facts()) == .explicitDeny(statement: "statement 2"))
    }

    /// "Allow private API traffic based on source VPC": the same shape on aws:SourceVpc.
    @Test func allowPrivateAPIFromSpecificVPC() throws {
        let policy = try Fixture.policy(
            """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"]},
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"],
                     "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}
                ]
            }
            """)
        #expect(
            Self.decide(policy, Fixture.facts(vpce: "vpce-any", vpc: "vpc-1a2b3c4d"))
                == .allow(statement: "statement 1"))
        #expect(Self.decide(policy, Fixture.facts(vpc: "vpc-other")) == .explicitDeny(statement: "statement 2"))
        #expect(Self.decide(policy, Fixture.facts()) == .explicitDeny(statement: "statement 2"))
    }

    /// "Deny API traffic based on source IP address or range" (deny list with IpAddress).
    @Test func denyListWithIpAddress() throws {
        let policy = try Fixture.policy(
            """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"]},
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"],
                     "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}}}
                ]
            }
            """)
        #expect(Self.decide(policy, Fixture.facts(ip: "192.0.2.17")) == .explicitDeny(statement: "statement 2"))
        #expect(Self.decide(policy, Fixture.facts(ip: "198.51.100.255")) == .explicitDeny(statement: "statement 2"))
        #expect(Self.decide(policy, Fixture.facts(ip: "203.0.113.9")) == .allow(statement: "statement 1"))
    }

    /// The allow-list form (Deny with NotIpAddress) from the API Gateway access-denied troubleshooting guide.
    @Test func allowListWithNotIpAddress() throws {
        let policy = try Fixture.policy(
            """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                     "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"},
                    {"Sid": "OnlyListed", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                     "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*",
                     "Condition": {"NotIpAddress": {"aws:SourceIp": ["52.36.146.106", "34.216.36.206/32", "2001:db8::/48"]}}}
                ]
            }
            """)
        #expect(Self.decide(policy, Fixture.facts(ip: "52.36.146.106")) == .allow(statement: "statement 1"))
        #expect(Self.decide(policy, Fixture.facts(ip: "2001:db8:0:1::7")) == .allow(statement: "statement 1"))
        #expect(Self.decide(policy, Fixture.facts(ip: "52.36.146.107")) == .explicitDeny(statement: "OnlyListed"))
        #expect(Self.decide(policy, Fixture.facts()) == .explicitDeny(statement: "OnlyListed"))
    }

    /// "Deny API traffic based on source IP address or range when using a private API" (aws:VpcSourceIp).
    @Test func privateAPIDenyListWithVpcSourceIp() throws {
        let policy = try Fixture.policy(
            """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"]},
              {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": ["execute-api:/*"],
               "Condition": {"IpAddress": {"aws:VpcSourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}}}]}
            """)
        #expect(Self.decide(policy, Fixture.facts(ip: "192.0.2.1")) == .explicitDeny(statement: "statement 2"))
        #expect(Self.decide(policy, Fixture.facts(ip: "10.0.0.1")) == .allow(statement: "statement 1"))
    }

    /// "Allow roles in another AWS account to use an API".
    @Test func crossAccountRolesAllowed() throws {
        let policy = try Fixture.policy(
            """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ["arn:aws:iam::111122223333:role/developer", "arn:aws:iam::111122223333:role/Admin"]},
                        "Action": "execute-api:Invoke",
                        "Resource": ["execute-api:/stage/GET/pets"]
                    }
                ]
            }
            """)
        let pets = Fixture.resource(stage: "stage", method: "GET", path: "/pets")
        let facts = Fixture.facts()
        #expect(
            Self.decide(policy, principal: Fixture.foreignRole, resource: pets, facts)
                == .allow(statement: "statement 1"))
        #expect(
            Self.decide(policy, principal: "arn:aws:iam::111122223333:role/Admin", resource: pets, facts)
                == .allow(statement: "statement 1"))
        #expect(
            Self.decide(
                policy, principal: Fixture.foreignRole,
                resource: Fixture.resource(stage: "stage", method: "POST", path: "/pets"), facts) == .implicitDeny)
        #expect(
            Self.decide(policy, principal: "arn:aws:iam::111122223333:role/tester", resource: pets, facts)
                == .implicitDeny)
        #expect(Self.decide(policy, principal: Fixture.alice, resource: pets, facts) == .implicitDeny)
        #expect(Self.decide(policy, principal: nil, resource: pets, facts) == .implicitDeny)
    }

    /// The guide's earlier form of the same example: a user ARN and a bare account id in one principal list.
    @Test func crossAccountUserAndAccountID() throws {
        let policy = try Fixture.policy(
            """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Principal": {"AWS": ["arn:aws:iam::444455556666:user/Alice", "111122223333"]},
              "Action": "execute-api:Invoke",
              "Resource": ["arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/stage/GET/pets"]}]}
            """)
        let pets = Fixture.resource(stage: "stage", method: "GET", path: "/pets")
        let facts = Fixture.facts()
        #expect(Self.decide(policy, principal: "arn:aws:iam::444455556666:user/Alice", resource: pets, facts).isAllowed)
        #expect(!Self.decide(policy, principal: "arn:aws:iam::444455556666:user/Bob", resource: pets, facts).isAllowed)
        #expect(
            Self.decide(policy, principal: "arn:aws:iam::111122223333:user/anyone", resource: pets, facts).isAllowed)
    }
}
