import Foundation
import Testing

@testable import AccessPolicy

/// One row: a Condition block, the request, and whether the condition must hold.
struct ConditionCase: CustomTestStringConvertible, Sendable {
    let condition: String
    let facts: RequestFacts
    let expected: Bool
    var testDescription: String { "\(condition) → \(expected)" }

    init(_ condition: String, _ facts: RequestFacts, _ expected: Bool) {
        self.condition = condition
        self.facts = facts
        self.expected = expected
    }
}

@Suite("Condition operators, positive and negative")
struct ConditionOperatorTests {
    static let vpce1 = Fixture.facts(vpce: "vpce-1")
    static let n10 = Fixture.facts(extra: ["test:n": ["10"]])

    @Test(arguments: [
        ConditionCase(#"{"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#, vpce1, true),
        ConditionCase(#"{"StringEquals": {"aws:SourceVpce": "VPCE-1"}}"#, vpce1, false),
        ConditionCase(#"{"StringEquals": {"aws:SourceVpce": ["vpce-2", "vpce-1"]}}"#, vpce1, true),
        ConditionCase(#"{"StringEquals": {"aws:SourceVpce": "vpce-*"}}"#, vpce1, false),
        ConditionCase(#"{"StringNotEquals": {"aws:SourceVpce": "vpce-2"}}"#, vpce1, true),
        ConditionCase(#"{"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}"#, vpce1, false),
        ConditionCase(#"{"StringNotEquals": {"aws:SourceVpce": ["vpce-2", "vpce-1"]}}"#, vpce1, false),
        ConditionCase(#"{"StringNotEquals": {"aws:SourceVpce": ["vpce-2", "vpce-3"]}}"#, vpce1, true),
        ConditionCase(#"{"StringEqualsIgnoreCase": {"aws:SourceVpce": "VPCE-1"}}"#, vpce1, true),
        ConditionCase(#"{"StringEqualsIgnoreCase": {"aws:SourceVpce": "vpce-2"}}"#, vpce1, false),
        ConditionCase(#"{"StringNotEqualsIgnoreCase": {"aws:SourceVpce": "VPCE-1"}}"#, vpce1, false),
        ConditionCase(#"{"StringNotEqualsIgnoreCase": {"aws:SourceVpce": "VPCE-2"}}"#, vpce1, true),
        ConditionCase(#"{"StringLike": {"aws:SourceVpce": "vpce-*"}}"#, vpce1, true),
        ConditionCase(#"{"StringLike": {"aws:SourceVpce": "vpce-?"}}"#, vpce1, true),
        ConditionCase(#"{"StringLike": {"aws:SourceVpce": "vpce-??"}}"#, vpce1, false),
        ConditionCase(#"{"StringLike": {"aws:SourceVpce": "VPCE-*"}}"#, vpce1, false),
        ConditionCase(#"{"StringNotLike": {"aws:SourceVpce": "vpce-*"}}"#, vpce1, false),
        ConditionCase(#"{"StringNotLike": {"aws:SourceVpce": ["vpc-*", "x*"]}}"#, vpce1, true),
    ])
    func stringOperators(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test(arguments: [
        ConditionCase(#"{"NumericEquals": {"test:n": "10"}}"#, n10, true),
        ConditionCase(#"{"NumericEquals": {"test:n": 10.0}}"#, n10, true),
        ConditionCase(#"{"NumericEquals": {"test:n": 11}}"#, n10, false),
        ConditionCase(#"{"NumericNotEquals": {"test:n": 11}}"#, n10, true),
        ConditionCase(#"{"NumericNotEquals": {"test:n": [11, 10]}}"#, n10, false),
        ConditionCase(#"{"NumericLessThan": {"test:n": 11}}"#, n10, true),
        ConditionCase(#"{"NumericLessThan": {"test:n": 10}}"#, n10, false),
        ConditionCase(#"{"NumericLessThanEquals": {"test:n": 10}}"#, n10, true),
        ConditionCase(#"{"NumericLessThanEquals": {"test:n": 9.5}}"#, n10, false),
        ConditionCase(#"{"NumericGreaterThan": {"test:n": 9}}"#, n10, true),
        ConditionCase(#"{"NumericGreaterThan": {"test:n": 10}}"#, n10, false),
        ConditionCase(#"{"NumericGreaterThanEquals": {"test:n": 10}}"#, n10, true),
        ConditionCase(#"{"NumericGreaterThanEquals": {"test:n": 11}}"#, n10, false),
        ConditionCase(#"{"NumericEquals": {"test:n": 10}}"#, Fixture.facts(extra: ["test:n": ["ten"]]), false),
        ConditionCase(#"{"NumericNotEquals": {"test:n": 10}}"#, Fixture.facts(extra: ["test:n": ["ten"]]), true),
        ConditionCase(#"{"NumericGreaterThan": {"aws:EpochTime": 1795867199}}"#, Fixture.facts(), true),
        ConditionCase(#"{"NumericGreaterThan": {"aws:EpochTime": 1795867200}}"#, Fixture.facts(), false),
    ])
    func numericOperators(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test(arguments: [
        ConditionCase(#"{"DateEquals": {"aws:CurrentTime": "2026-11-28T12:00:00Z"}}"#, Fixture.facts(), true),
        ConditionCase(#"{"DateEquals": {"aws:CurrentTime": "2026-11-28T13:00:00+01:00"}}"#, Fixture.facts(), true),
        ConditionCase(#"{"DateEquals": {"aws:CurrentTime": 1795867200}}"#, Fixture.facts(), true),
        ConditionCase(#"{"DateEquals": {"aws:CurrentTime": "2026-11-28T12:00:01Z"}}"#, Fixture.facts(), false),
        ConditionCase(#"{"DateNotEquals": {"aws:CurrentTime": "2026-11-28T12:00:01Z"}}"#, Fixture.facts(), true),
        ConditionCase(#"{"DateNotEquals": {"aws:CurrentTime": "2026-11-28T12:00Z"}}"#, Fixture.facts(), false),
        ConditionCase(#"{"DateLessThan": {"aws:CurrentTime": "2026-11-29"}}"#, Fixture.facts(), true),
        ConditionCase(#"{"DateLessThan": {"aws:CurrentTime": "2026-11-28T12:00:00Z"}}"#, Fixture.facts(), false),
        ConditionCase(#"{"DateLessThanEquals": {"aws:CurrentTime": "2026-11-28T12:00:00Z"}}"#, Fixture.facts(), true),
        ConditionCase(
            #"{"DateLessThanEquals": {"aws:CurrentTime": "2026-11-28T11:59:59.5Z"}}"#, Fixture.facts(), false),
        ConditionCase(#"{"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, Fixture.facts(), true),
        ConditionCase(#"{"DateGreaterThan": {"aws:CurrentTime": "2027-01-01"}}"#, Fixture.facts(), false),
        ConditionCase(#"{"DateGreaterThanEquals": {"aws:CurrentTime": "1795867200"}}"#, Fixture.facts(), true),
        ConditionCase(
            #"{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-11-28T12:00:00.001Z"}}"#, Fixture.facts(), false),
        ConditionCase(
            #"{"DateLessThan": {"test:when": "2030-01-01T00:00:00Z"}}"#,
            Fixture.facts(extra: ["test:when": ["2029-12-31T23:59:59Z"]]), true),
        ConditionCase(
            #"{"DateLessThan": {"test:when": "2030-01-01T00:00:00Z"}}"#,
            Fixture.facts(extra: ["test:when": ["not a date"]]), false),
    ])
    func dateOperators(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test(arguments: [
        ConditionCase(#"{"Bool": {"aws:SecureTransport": "true"}}"#, Fixture.facts(secure: true), true),
        ConditionCase(#"{"Bool": {"aws:SecureTransport": true}}"#, Fixture.facts(secure: true), true),
        ConditionCase(#"{"Bool": {"aws:SecureTransport": "TRUE"}}"#, Fixture.facts(secure: true), true),
        ConditionCase(#"{"Bool": {"aws:SecureTransport": "false"}}"#, Fixture.facts(secure: true), false),
        ConditionCase(#"{"Bool": {"aws:SecureTransport": false}}"#, Fixture.facts(secure: false), true),
        ConditionCase(#"{"Bool": {"test:flag": "true"}}"#, Fixture.facts(extra: ["test:flag": ["True"]]), true),
        ConditionCase(#"{"Bool": {"test:flag": "true"}}"#, Fixture.facts(extra: ["test:flag": ["yes"]]), false),
    ])
    func boolOperator(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test(arguments: [
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, Fixture.facts(ip: "10.1.2.3"), true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, Fixture.facts(ip: "11.0.0.1"), false),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "10.1.2.3"}}"#, Fixture.facts(ip: "10.1.2.3"), true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "10.1.2.3"}}"#, Fixture.facts(ip: "10.1.2.4"), false),
        ConditionCase(
            #"{"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "10.0.0.0/8"]}}"#,
            Fixture.facts(ip: "10.9.9.9"), true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, Fixture.facts(ip: "2001:db8::1"), true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, Fixture.facts(ip: "2001:db9::1"), false),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "::1/128"}}"#, Fixture.facts(ip: "::1"), true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, Fixture.facts(ip: "::ffff:10.1.2.3"), true),
        ConditionCase(#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, Fixture.facts(ip: "10.1.2.3"), false),
        ConditionCase(#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, Fixture.facts(ip: "11.0.0.1"), true),
        ConditionCase(#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, Fixture.facts(ip: "10.0.0.1"), false),
        ConditionCase(
            #"{"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}"#,
            Fixture.facts(ip: "2001:db8::5"), false),
        ConditionCase(#"{"IpAddress": {"aws:VpcSourceIp": "127.0.0.0/8"}}"#, Fixture.facts(ip: "127.0.0.1"), true),
    ])
    func ipOperators(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    static let alice = Fixture.facts(principal: Fixture.alice)

    @Test(arguments: [
        ConditionCase(#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice"}}"#, alice, true),
        ConditionCase(#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/bob"}}"#, alice, false),
        ConditionCase(#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/*"}}"#, alice, true),
        ConditionCase(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/*"}}"#, alice, true),
        ConditionCase(#"{"ArnLike": {"aws:PrincipalArn": "arn:*:iam::*:user/al?ce"}}"#, alice, true),
        ConditionCase(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}"#, alice, false),
        ConditionCase(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:USER/*"}}"#, alice, false),
        ConditionCase(#"{"ArnLike": {"aws:PrincipalArn": "*"}}"#, alice, true),
        ConditionCase(#"{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/bob"}}"#, alice, true),
        ConditionCase(
            #"{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice"}}"#, alice,
            false),
        ConditionCase(#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}"#, alice, false),
        ConditionCase(#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#, alice, true),
        ConditionCase(
            #"{"ArnLike": {"test:arn": "arn:aws:iam::*:user/x"}}"#,
            Fixture.facts(extra: ["test:arn": ["not-an-arn"]]), false),
        // A wildcard never spans the colons between components (per-component matching, as in IAM).
        ConditionCase(
            #"{"ArnLike": {"test:arn": "arn:aws:iam:us-*:123456789012:user/x"}}"#,
            Fixture.facts(extra: ["test:arn": ["arn:aws:iam:us-east-1:x:123456789012:user/x"]]), false),
        ConditionCase(
            #"{"ArnLike": {"test:arn": "arn:aws:iam:us-*:123456789012:user/x"}}"#,
            Fixture.facts(extra: ["test:arn": ["arn:aws:iam:us-east-1:123456789012:user/x"]]), true),
    ])
    func arnOperators(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }

    @Test(arguments: [
        ConditionCase(#"{"Null": {"aws:PrincipalArn": "true"}}"#, Fixture.facts(), true),
        ConditionCase(#"{"Null": {"aws:PrincipalArn": true}}"#, alice, false),
        ConditionCase(#"{"Null": {"aws:PrincipalArn": "false"}}"#, alice, true),
        ConditionCase(#"{"Null": {"aws:PrincipalArn": "false"}}"#, Fixture.facts(), false),
        ConditionCase(#"{"Null": {"gatehouse:ClientCertUri": "true"}}"#, Fixture.facts(uris: []), true),
        ConditionCase(#"{"Null": {"aws:PrincipalTag/team": "false"}}"#, Fixture.facts(tags: ["Team": "x"]), true),
    ])
    func nullOperator(_ row: ConditionCase) throws {
        #expect(try Fixture.holds(row.condition, row.facts) == row.expected)
    }
}
