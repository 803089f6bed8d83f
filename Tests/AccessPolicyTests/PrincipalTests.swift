import Testing

@testable import AccessPolicy

@Suite("Principal and NotPrincipal")
struct PrincipalTests {
    static func allowPolicy(_ principal: String) throws -> ResourcePolicy {
        try Fixture.policy(
            """
            {"Version": "2012-10-17", "Statement": {"Sid": "P", "Effect": "Allow", "Principal": \(principal),
             "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}}
            """)
    }

    static func decide(_ policy: ResourcePolicy, _ principal: String?) -> PolicyDecision {
        policy.evaluate(principal: principal, resource: Fixture.resource(), facts: Fixture.facts(principal: principal))
    }

    @Test func starMatchesEveryoneIncludingAnonymous() throws {
        for form in [#""*""#, #"{"AWS": "*"}"#, #"{"AWS": ["*"]}"#] {
            let policy = try Self.allowPolicy(form)
            #expect(Self.decide(policy, nil) == .allow(statement: "P"))
            #expect(Self.decide(policy, Fixture.alice) == .allow(statement: "P"))
        }
    }

    @Test func exactARNMatchesOnlyThatPrincipal() throws {
        let policy = try Self.allowPolicy(#"{"AWS": "arn:aws:iam::123456789012:user/alice"}"#)
        #expect(Self.decide(policy, Fixture.alice) == .allow(statement: "P"))
        #expect(Self.decide(policy, Fixture.bob) == .implicitDeny)
        #expect(Self.decide(policy, "arn:aws:iam::123456789012:user/Alice") == .implicitDeny)
        #expect(Self.decide(policy, nil) == .implicitDeny)
    }

    @Test func accountIDMatchesEveryPrincipalOfThatAccount() throws {
        for form in [#"{"AWS": "111122223333"}"#, #"{"AWS": "arn:aws:iam::111122223333:root"}"#] {
            let policy = try Self.allowPolicy(form)
            #expect(Self.decide(policy, Fixture.foreignRole) == .allow(statement: "P"))
            #expect(Self.decide(policy, "arn:aws:iam::111122223333:user/carol") == .allow(statement: "P"))
            #expect(Self.decide(policy, "arn:aws:iam::111122223333:root") == .allow(statement: "P"))
            #expect(Self.decide(policy, Fixture.alice) == .implicitDeny)
            #expect(Self.decide(policy, nil) == .implicitDeny)
        }
    }

    @Test func listMatchesAnyMember() throws {
        let policy = try Self.allowPolicy(#"{"AWS": ["arn:aws:iam::123456789012:user/bob", "111122223333"]}"#)
        #expect(Self.decide(policy, Fixture.bob) == .allow(statement: "P"))
        #expect(Self.decide(policy, Fixture.foreignRole) == .allow(statement: "P"))
        #expect(Self.decide(policy, Fixture.alice) == .implicitDeny)
    }

    @Test func roleARNCoversItsAssumedRoleSessions() throws {
        let policy = try Self.allowPolicy(#"{"AWS": "arn:aws:iam::111122223333:role/developer"}"#)
        #expect(
            Self.decide(policy, "arn:aws:sts::111122223333:assumed-role/developer/session-1") == .allow(statement: "P"))
        #expect(Self.decide(policy, "arn:aws:sts::111122223333:assumed-role/admin/session-1") == .implicitDeny)
    }

    @Test func notPrincipalAppliesToEveryoneElse() throws {
        let policy = try Fixture.policy(
            """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
              {"Sid": "OnlyAlice", "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/alice"},
               "Action": "*", "Resource": "*"}]}
            """)
        #expect(Self.decide(policy, Fixture.alice) == .allow(statement: "All"))
        #expect(Self.decide(policy, Fixture.bob) == .explicitDeny(statement: "OnlyAlice"))
        #expect(Self.decide(policy, nil) == .explicitDeny(statement: "OnlyAlice"))
    }

    @Test func notPrincipalAccountExcludesTheWholeAccount() throws {
        let policy = try Self.allowPolicy(#"{"AWS": "*"}"#)
        _ = policy
        let deny = try Fixture.policy(
            """
            {"Statement": [
              {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
              {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "*", "Resource": "*"}]}
            """)
        #expect(Self.decide(deny, Fixture.alice) == .allow(statement: "statement 1"))
        #expect(Self.decide(deny, Fixture.foreignRole) == .explicitDeny(statement: "statement 2"))
    }
}
