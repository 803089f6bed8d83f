import Foundation
import GatehouseBytes
import Testing

@testable import AccessPolicy

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesValuesKeepingOrderNumbersAndPositions() throws {
        let value = try JSONParser.parse(
            Array("\u{FEFF}{\"b\": [1, -2.5e3, true, false, null],\n \"a\": \"x\\u00e9\\ud83d\\ude00\\n\"}".utf8))
        guard case .object(let members) = value.kind else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(
            members[0].value.kind
                == .array([
                    JSONValue(.number("1"), position: JSONPosition(line: 1, column: 8)),
                    JSONValue(.number("-2.5e3"), position: JSONPosition(line: 1, column: 11)),
                    JSONValue(.bool(true), position: JSONPosition(line: 1, column: 19)),
                    JSONValue(.bool(false), position: JSONPosition(line: 1, column: 25)),
                    JSONValue(.null, position: JSONPosition(line: 1, column: 32)),
                ]))
        #expect(members[1].value.kind == .string("xé😀\n"))
        #expect(members[1].keyPosition == JSONPosition(line: 2, column: 2))
    }

    @Test func inlineDocumentsCanBeBuiltWithoutText() throws {
        func string(_ text: String) -> JSONValue { JSONValue(.string(text)) }
        let statement = JSONValue(
            .object([
                JSONMember(key: "Effect", value: string("Allow")),
                JSONMember(key: "Principal", value: string("*")),
                JSONMember(key: "Action", value: string("execute-api:Invoke")),
                JSONMember(key: "Resource", value: string("execute-api:/*")),
            ]))
        let document = JSONValue(.object([JSONMember(key: "Statement", value: statement)]))
        let policy = try ResourcePolicy(
            document: document, region: "us-east-1", accountID: "123456789012",
            apiID: "a1b2c3d4e5")
        #expect(policy.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts()).isAllowed)
        #expect(policy.version == nil)
    }

    @Test func dataAndStringInputsAgree() throws {
        let json =
            #"{"Version": "2012-10-17", "Id": "P1", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#
        let fromData = try ResourcePolicy(
            json: Data(json.utf8), region: "us-east-1", accountID: "123456789012",
            apiID: "a1b2c3d4e5")
        #expect(fromData.id == "P1")
        #expect(fromData.version == "2012-10-17")
        #expect(
            fromData.evaluate(principal: nil, resource: Fixture.resource(), facts: Fixture.facts())
                == .explicitDeny(statement: "statement 1"))
    }
}

@Suite("Dates")
struct PolicyDateTests {
    @Test(arguments: [
        ("2026-11-28T12:00:00Z", 1_795_867_200.0),
        ("2026-11-28T12:00Z", 1_795_867_200.0),
        ("2026-11-28T12:00:00.250Z", 1_795_867_200.25),
        ("2026-11-28T14:30:00+02:30", 1_795_867_200.0),
        ("2026-11-28T07:00:00-0500", 1_795_867_200.0),
        ("2026-11-28", 1_795_824_000.0),
        ("2026-11", 1_793_491_200.0),
        ("1795867200", 1_795_867_200.0),
        ("0", 0.0),
        ("2024-02-29", 1_709_164_800.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func parses(_ text: String, _ epoch: Double) {
        #expect(PolicyDate.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: [
        "", "2026-13-01", "2025-02-29", "2026-11-28T24:00:00Z", "2026-11-28T12:60Z", "2026-11-28T12:00:00",
        "2026-11-28 12:00:00Z", "2026-11-28T12:00:00.Z", "2026-11-28T12:00:00+1", "12.", "-", "2026-11-28Tx",
    ])
    func rejects(_ text: String) {
        #expect(PolicyDate.parse(text) == nil, "\(text)")
    }

    @Test func digitsAloneAreEpochSecondsNotAYear() {
        #expect(PolicyDate.parse("2026")?.timeIntervalSince1970 == 2026)
    }

    @Test func formatsUTC() {
        #expect(PolicyDate.format(Date(timeIntervalSince1970: 1_795_867_200.9)) == "2026-11-28T12:00:00Z")
        #expect(PolicyDate.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(PolicyDate.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }
}

@Suite("Wildcard patterns")
struct WildcardPatternTests {
    @Test(arguments: [
        ("*", "", true), ("*", "anything", true), ("", "", true), ("", "a", false),
        ("a*", "a", true), ("*a", "a", true), ("a*b", "ab", true), ("a*b", "axxb", true), ("a*b", "axxbx", false),
        ("?", "", false), ("?", "a", true), ("?", "ab", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("**", "x", true), ("a**b", "ab", true), ("*?", "", false), ("*?", "x", true),
        ("a*b*c", "abc", true), ("a*b*c", "aXbYc", true), ("a*b*c", "acb", false), ("*ab*ab*", "xabyab", true),
        ("a.b", "a.b", true), ("a.b", "axb", false), ("a+b", "aab", false), ("[ab]", "a", false),
        ("é?", "éü", true), ("?", "😀", true),
    ])
    func matches(_ pattern: String, _ subject: String, _ expected: Bool) {
        #expect(WildcardPattern(pattern).matches(subject) == expected)
    }

    @Test func caseFoldingAndLiteralMode() {
        #expect(WildcardPattern("Execute-API:*", caseInsensitive: true).matches("execute-api:invoke"))
        #expect(!WildcardPattern("Execute-API:*").matches("execute-api:invoke"))
        #expect(WildcardPattern("a*?", wildcards: false).matches("a*?"))
        #expect(!WildcardPattern("a*?", wildcards: false).matches("abc"))
    }
}
