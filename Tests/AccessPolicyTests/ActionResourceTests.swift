import Testing

@testable import AccessPolicy

@Suite("Action/NotAction, Resource/NotResource, wildcards and case rules")
struct ActionResourceTests {
    static func policy(
        action: String = #""execute-api:Invoke""#, resource: String = #""execute-api:/*""#,
        notAction: Bool = false, notResource: Bool = false
    ) throws -> ResourcePolicy {
        try Fixture.policy(
            """
            {"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Principal": "*",
             "\(notAction ? "NotAction" : "Action")": \(action),
             "\(notResource ? "NotResource" : "Resource")": \(resource)}]}
            """)
    }

    static func allowed(_ policy: ResourcePolicy, action: String = "execute-api:Invoke", resource: String) -> Bool {
        policy.evaluate(principal: nil, action: action, resource: resource, facts: Fixture.facts()).isAllowed
    }

    @Test(arguments: [
        (#""execute-api:Invoke""#, "execute-api:Invoke", true),
        (#""EXECUTE-API:invoke""#, "execute-api:Invoke", true),
        (#""execute-api:Invoke""#, "Execute-Api:INVOKE", true),
        (#""execute-api:*""#, "execute-api:Invoke", true),
        (#""*""#, "execute-api:Invoke", true),
        (#""execute-api:Inv*""#, "execute-api:Invoke", true),
        (#""execute-api:Invok?""#, "execute-api:Invoke", true),
        (#""execute-api:Invoke?""#, "execute-api:Invoke", false),
        (#""execute-api:ManageConnections""#, "execute-api:Invoke", false),
        (#""s3:*""#, "execute-api:Invoke", false),
        (#"["s3:GetObject", "execute-api:Invoke"]"#, "execute-api:Invoke", true),
    ])
    func actions(_ pattern: String, _ action: String, _ expected: Bool) throws {
        let policy = try Self.policy(action: pattern)
        #expect(Self.allowed(policy, action: action, resource: Fixture.resource()) == expected)
    }

    @Test func notActionMatchesEverythingElse() throws {
        let policy = try Self.policy(action: #""execute-api:ManageConnections""#, notAction: true)
        #expect(Self.allowed(policy, resource: Fixture.resource()))
        #expect(!Self.allowed(policy, action: "execute-api:managEconnections", resource: Fixture.resource()))
        let all = try Self.policy(action: #""execute-api:*""#, notAction: true)
        #expect(!Self.allowed(all, resource: Fixture.resource()))
    }

    @Test(arguments: [
        (#""execute-api:/*""#, Fixture.resource(), true),
        (#""execute-api:/prod/GET/users/*""#, Fixture.resource(), true),
        (#""execute-api:/prod/GET/users/*""#, Fixture.resource(method: "POST"), false),
        (#""execute-api:/prod/*/users/*""#, Fixture.resource(method: "DELETE"), true),
        (#""execute-api:/*/GET/*""#, Fixture.resource(stage: "dev"), true),
        (#""execute-api:/prod/GET/users/?""#, Fixture.resource(path: "/users/4"), true),
        (#""execute-api:/prod/GET/users/?""#, Fixture.resource(path: "/users/42"), false),
        (#""execute-api:/prod/GET/users/?""#, Fixture.resource(path: "/users/"), false),
        (#""execute-api:/prod/GET/users/?""#, Fixture.resource(path: "/users/é"), true),
        (#""execute-api:/prod/GET/users*""#, Fixture.resource(path: "/users"), true),
        (#""execute-api:/prod/GET/*/*/orders""#, Fixture.resource(path: "/users/42/orders"), true),
        (#""execute-api:/prod/GET/*/*/orders""#, Fixture.resource(path: "/users/orders"), false),
        (#""execute-api:/prod/GET/*a*b*c""#, Fixture.resource(path: "/xaybzc"), true),
        (#""execute-api:/prod/GET/*a*b*c""#, Fixture.resource(path: "/xaybzcd"), false),
        (#""execute-api:/prod/GET/*a*b*c""#, Fixture.resource(path: "/cba"), false),
        (#""execute-api:/prod/GET/a.b""#, Fixture.resource(path: "/a.b"), true),
        (#""execute-api:/prod/GET/a.b""#, Fixture.resource(path: "/axb"), false),
        (#""execute-api:/prod/GET/Users/42""#, Fixture.resource(path: "/users/42"), false),
        (#""execute-api:/prod/get/users/42""#, Fixture.resource(path: "/users/42"), false),
        (#""execute-api:/prod/GET/""#, Fixture.resource(path: "/"), true),
        (#""arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*""#, Fixture.resource(), true),
        (#""arn:aws:execute-api:*:*:*""#, Fixture.resource(), true),
        (#""arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/*""#, Fixture.resource(), false),
        (#""arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5/*""#, Fixture.resource(), false),
        (#""arn:aws:execute-api:us-*:*:a1b2c3d4e5/prod/*""#, Fixture.resource(), true),
        (#""*""#, Fixture.resource(), true),
        (#"["execute-api:/dev/*", "execute-api:/prod/*"]"#, Fixture.resource(), true),
    ])
    func resources(_ pattern: String, _ resource: String, _ expected: Bool) throws {
        let policy = try Self.policy(resource: pattern)
        #expect(Self.allowed(policy, resource: resource) == expected)
    }

    @Test func notResourceMatchesEverythingElse() throws {
        let policy = try Fixture.policy(
            """
            {"Statement": [
              {"Sid": "Allow", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "execute-api:/*"},
              {"Sid": "ProdOnly", "Effect": "Deny", "Principal": "*", "Action": "*", "NotResource": "execute-api:/prod/*"}]}
            """)
        let facts = Fixture.facts()
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(), facts: facts) == .allow(statement: "Allow"))
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(stage: "dev"), facts: facts)
                == .explicitDeny(statement: "ProdOnly"))
    }

    @Test func explicitDenyWinsRegardlessOfOrder() throws {
        let policy = try Fixture.policy(
            """
            {"Statement": [
              {"Sid": "NoPost", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "execute-api:/*/POST/*"},
              {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "execute-api:/*"},
              {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "execute-api:/*/PUT/*"}]}
            """)
        let facts = Fixture.facts()
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(method: "POST"), facts: facts)
                == .explicitDeny(statement: "NoPost"))
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(), facts: facts) == .allow(statement: "Everyone")
        )
        #expect(policy.statementCount == 3)
    }

    @Test func unlabelledStatementsAreNamedByPosition() throws {
        let policy = try Fixture.policy(
            """
            {"Statement": [
              {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "execute-api:/dev/*"},
              {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "execute-api:/prod/*"}]}
            """)
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts())
                == .allow(statement: "statement 2"))
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(stage: "test"), facts: Fixture.facts())
                == .implicitDeny)
    }

    @Test func emptySidCountsAsNoSid() throws {
        let policy = try Fixture.policy(
            #"{"Statement": {"Sid": "", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}"#)
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts())
                == .allow(statement: "statement 1"))
    }
}
