import Testing

@testable import AccessPolicy

@Suite("Policy variables")
struct PolicyVariableTests {
    static func policy(resource: String, version: String = "2012-10-17") throws -> ResourcePolicy {
        try Fixture.policy(
            """
            {"Version": "\(version)", "Statement": [{"Sid": "Own", "Effect": "Allow", "Principal": "*",
             "Action": "execute-api:Invoke", "Resource": "\(resource)"}]}
            """)
    }

    @Test func resourceVariableIsSubstitutedPerRequest() throws {
        let policy = try Self.policy(resource: "execute-api:/prod/GET/users/${aws:PrincipalTag/userid}")
        let mine = Fixture.facts(principal: Fixture.alice, tags: ["userid": "42"])
        let other = Fixture.facts(principal: Fixture.bob, tags: ["userid": "7"])
        #expect(policy.evaluate(principal: Fixture.alice, resource: Fixture.resource(), facts: mine).isAllowed)
        #expect(!policy.evaluate(principal: Fixture.bob, resource: Fixture.resource(), facts: other).isAllowed)
        // Missing key and no default: the pattern cannot match.
        #expect(!policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts()).isAllowed)
    }

    @Test func substitutedValuesAreLiteralNotWildcards() throws {
        let policy = try Self.policy(resource: "execute-api:/prod/GET/users/${aws:UserAgent}")
        #expect(
            !policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts(userAgent: "*"))
                .isAllowed)
        #expect(
            policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts(userAgent: "42"))
                .isAllowed)
    }

    @Test func defaultsAndEscapes() throws {
        let withDefault = try Self.policy(resource: "execute-api:/prod/GET/users/${aws:UserAgent, '42'}")
        #expect(withDefault.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts()).isAllowed)
        let escaped = try Self.policy(resource: "execute-api:/prod/GET/users/${*}")
        #expect(!escaped.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts()).isAllowed)
        #expect(
            escaped.evaluate(principal: nil, resource: Fixture.resource(path: "/users/*"), facts: Fixture.facts())
                .isAllowed)
    }

    @Test func variableInsideAnARNComponentWithColons() throws {
        let condition = #"{"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/alice"}}"#
        #expect(try Fixture.holds(condition, Fixture.facts(principal: Fixture.alice)))
        let arnLike = #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}}"#
        #expect(try Fixture.holds(arnLike, Fixture.facts(principal: Fixture.alice)))
        #expect(try !Fixture.holds(arnLike, Fixture.facts(principal: "arn:aws:iam::999999999999:role/x")))
    }

    @Test func version2008TreatsVariablesAsText() throws {
        let policy = try Self.policy(resource: "execute-api:/prod/GET/users/${aws:UserAgent}", version: "2008-10-17")
        #expect(
            !policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts(userAgent: "42"))
                .isAllowed)
        #expect(
            policy.evaluate(
                principal: nil, resource: Fixture.resource(path: "/users/${aws:UserAgent}"),
                facts: Fixture.facts(userAgent: "42")
            ).isAllowed)
    }

    @Test func conditionVariableIgnoreCase() throws {
        let condition = #"{"StringEqualsIgnoreCase": {"aws:UserAgent": "${aws:PrincipalTag/agent}"}}"#
        #expect(try Fixture.holds(condition, Fixture.facts(tags: ["agent": "CURL"], userAgent: "curl")))
        #expect(try !Fixture.holds(condition, Fixture.facts(tags: ["agent": "wget"], userAgent: "curl")))
    }
}
