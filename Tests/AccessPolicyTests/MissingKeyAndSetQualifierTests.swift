import Testing

@testable import AccessPolicy

@Suite("Missing keys, IfExists, ForAnyValue/ForAllValues, combining rules")
struct MissingKeyAndSetQualifierTests {
    static let none = Fixture.facts()

    @Test(arguments: [
        // A missing key: positive operators false, negated operators true.
        ConditionCase(#"{"StringEquals": {"aws:UserAgent": "curl"}}"#, none, false),
        ConditionCase(#"{"StringLike": {"aws:UserAgent": "*"}}"#, none, false),
        ConditionCase(#"{"StringNotEquals": {"aws:UserAgent": "curl"}}"#, none, true),
        ConditionCase(#"{"StringNotLike": {"aws:UserAgent": "*"}}"#, none, true),
        ConditionCase(#"{"StringNotEqualsIgnoreCase": {"aws:UserAgent": "curl"}}"#, none, true),
        ConditionCase(#"{"NumericLessThan": {"test:n": 5}}"#, none, false),
        ConditionCase(#"{"NumericNotEquals": {"test:n": 5}}"#, none, true),
        ConditionCase(#"{"DateNotEquals": {"test:d": "2026-01-01"}}"#, none, true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#, none, false),
        ConditionCase(#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, none, true),
        ConditionCase(#"{"ArnLike": {"aws:PrincipalArn": "*"}}"#, none, false),
        ConditionCase(#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}"#, none, true),
        ConditionCase(#"{"Bool": {"test:flag": "false"}}"#, none, false),
    ])
    func missingKey(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test(arguments: [
        ConditionCase(#"{"StringEqualsIfExists": {"aws:UserAgent": "curl"}}"#, none, true),
        ConditionCase(#"{"StringEqualsIfExists": {"aws:UserAgent": "curl"}}"#, Fixture.facts(userAgent: "curl"), true),
        ConditionCase(
            #"{"StringEqualsIfExists": {"aws:UserAgent": "curl"}}"#, Fixture.facts(userAgent: "wget"),
            false),
        ConditionCase(#"{"StringNotEqualsIfExists": {"aws:UserAgent": "curl"}}"#, none, true),
        ConditionCase(
            #"{"StringNotEqualsIfExists": {"aws:UserAgent": "curl"}}"#, Fixture.facts(userAgent: "curl"),
            false),
        ConditionCase(#"{"StringLikeIfExists": {"aws:UserAgent": "x*"}}"#, none, true),
        ConditionCase(#"{"NumericLessThanIfExists": {"test:n": 5}}"#, none, true),
        ConditionCase(#"{"NumericLessThanIfExists": {"test:n": 5}}"#, Fixture.facts(extra: ["test:n": ["7"]]), false),
        ConditionCase(#"{"DateGreaterThanIfExists": {"test:d": "2026-01-01"}}"#, none, true),
        ConditionCase(#"{"BoolIfExists": {"test:flag": "true"}}"#, none, true),
        ConditionCase(
            #"{"BoolIfExists": {"test:flag": "true"}}"#, Fixture.facts(extra: ["test:flag": ["false"]]),
            false),
        ConditionCase(#"{"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}"#, none, true),
        ConditionCase(#"{"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}"#, Fixture.facts(ip: "8.8.8.8"), false),
        ConditionCase(#"{"NotIpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}"#, none, true),
        ConditionCase(#"{"ArnLikeIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#, none, true),
        ConditionCase(
            #"{"ArnLikeIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#,
            Fixture.facts(principal: Fixture.alice), false),
    ])
    func ifExists(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    static let prodOnly = Fixture.facts(uris: ["spiffe://corp/ns/prod/a", "spiffe://corp/ns/prod/b"])
    static let mixed = Fixture.facts(uris: ["spiffe://corp/ns/prod/a", "spiffe://corp/ns/dev/b"])
    static let devOnly = Fixture.facts(uris: ["spiffe://corp/ns/dev/b"])
    static let noURIs = Fixture.facts(uris: [])
    static let anyProd = #"{"ForAnyValue:StringLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#
    static let allProd = #"{"ForAllValues:StringLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#
    static let anyNotProd = #"{"ForAnyValue:StringNotLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#
    static let allNotProd = #"{"ForAllValues:StringNotLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#

    @Test(arguments: [
        ConditionCase(anyProd, prodOnly, true),
        ConditionCase(anyProd, mixed, true),
        ConditionCase(anyProd, devOnly, false),
        ConditionCase(anyProd, noURIs, false),
        ConditionCase(allProd, prodOnly, true),
        ConditionCase(allProd, mixed, false),
        ConditionCase(allProd, devOnly, false),
        ConditionCase(allProd, noURIs, true),
        ConditionCase(anyNotProd, prodOnly, false),
        ConditionCase(anyNotProd, mixed, true),
        ConditionCase(anyNotProd, noURIs, false),
        ConditionCase(allNotProd, devOnly, true),
        ConditionCase(allNotProd, mixed, false),
        ConditionCase(allNotProd, noURIs, true),
        ConditionCase(
            #"{"ForAnyValue:StringEqualsIfExists": {"gatehouse:ClientCertDns": "a.internal"}}"#, noURIs, true),
        ConditionCase(
            #"{"ForAllValues:StringEquals": {"gatehouse:ClientCertDns": ["a.internal", "b.internal"]}}"#,
            Fixture.facts(dns: ["b.internal", "a.internal"]), true),
        ConditionCase(
            #"{"ForAllValues:StringEquals": {"gatehouse:ClientCertDns": ["a.internal", "b.internal"]}}"#,
            Fixture.facts(dns: ["b.internal", "c.internal"]), false),
        ConditionCase(
            #"{"ForAnyValue:StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}"#,
            Fixture.facts(vpce: "vpce-2"), true),
        // Without a qualifier a multi-valued key behaves like "any value" and its negation like "no value".
        ConditionCase(#"{"StringLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#, mixed, true),
        ConditionCase(#"{"StringNotLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#, mixed, false),
        ConditionCase(#"{"StringNotLike": {"gatehouse:ClientCertUri": "spiffe://corp/ns/prod/*"}}"#, devOnly, true),
    ])
    func setQualifiers(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test func operatorsKeysAndValuesCombine() throws {
        // Two operators ANDed; two keys in one operator ANDed; several values ORed.
        let condition = """
            {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"], "aws:SourceVpc": "vpc-1"},
             "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
            """
        #expect(try Fixture.holds(condition, Fixture.facts(ip: "10.0.0.1", vpce: "vpce-2", vpc: "vpc-1")))
        #expect(try !Fixture.holds(condition, Fixture.facts(ip: "10.0.0.1", vpce: "vpce-3", vpc: "vpc-1")))
        #expect(try !Fixture.holds(condition, Fixture.facts(ip: "10.0.0.1", vpce: "vpce-1", vpc: "vpc-2")))
        #expect(try !Fixture.holds(condition, Fixture.facts(ip: "11.0.0.1", vpce: "vpce-1", vpc: "vpc-1")))
    }

    @Test func conditionKeysAreCaseInsensitiveButValuesAreNot() throws {
        #expect(try Fixture.holds(#"{"IpAddress": {"AWS:SOURCEIP": "10.0.0.0/8"}}"#, Fixture.facts(ip: "10.0.0.1")))
        #expect(try Fixture.holds(#"{"StringEquals": {"aws:sourcevpce": "vpce-1"}}"#, Fixture.facts(vpce: "vpce-1")))
        #expect(try !Fixture.holds(#"{"StringEquals": {"aws:sourcevpce": "VPCE-1"}}"#, Fixture.facts(vpce: "vpce-1")))
        #expect(
            try Fixture.holds(
                #"{"StringEquals": {"aws:principaltag/TEAM": "payments"}}"#, Fixture.facts(tags: ["team": "payments"])))
        #expect(
            try Fixture.holds(
                #"{"StringEquals": {"GATEHOUSE:clientcerturi": "spiffe://x"}}"#, Fixture.facts(uris: ["spiffe://x"])))
    }

    @Test func emptyConditionBlockIsUnconditional() throws {
        #expect(try Fixture.holds("{}", Fixture.facts()))
    }
}
