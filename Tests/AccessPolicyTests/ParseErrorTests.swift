import Testing

@testable import AccessPolicy

@Suite("Policies that must not load, with messages naming the statement")
struct ParseErrorTests {
    static func statements(_ second: String) -> String {
        """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
           "Resource": "execute-api:/*"},
          \(second)]}
        """
    }

    static func denyPost(_ fields: String) -> String {
        statements(
            #"{"Sid": "DenyPost", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/POST/*""#
                + (fields.isEmpty ? "" : ", " + fields) + "}")
    }

    @Test func unknownConditionOperatorNamesStatementAndOperator() throws {
        let error = Fixture.loadError(Self.denyPost(#""Condition": {"StringEqualz": {"aws:SourceVpce": "x"}}"#))
        #expect(error?.message == #"statement 2 ("DenyPost"): unknown condition operator "StringEqualz""#)
        #expect(error?.statement == #"statement 2 ("DenyPost")"#)
        #expect(error?.position == JSONPosition(line: 4, column: 142))
        #expect(error?.isSyntaxError == false)
    }

    @Test func statementWithoutSidIsNamedByIndex() throws {
        let error = Fixture.loadError(
            Self.statements(#"{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*", "Conditions": {}}"#))
        #expect(error?.message.hasPrefix(#"statement 2: unknown statement element "Conditions""#) == true)
    }

    @Test(arguments: [
        (#""Condition": {"stringequals": {"aws:SourceVpce": "x"}}"#, "operator names are case-sensitive"),
        (#""Condition": {"ForSomeValues:StringEquals": {"aws:SourceVpce": "x"}}"#, "unknown condition operator"),
        (#""Condition": {"StringEqualsIfExist": {"aws:SourceVpce": "x"}}"#, "unknown condition operator"),
        (#""Condition": {"BinaryEquals": {"aws:SourceVpce": "x"}}"#, "unknown condition operator"),
        (#""Condition": {"NullIfExists": {"aws:SourceVpce": "true"}}"#, "Null takes no IfExists"),
        (#""Condition": {"ForAnyValue:Null": {"aws:SourceVpce": "true"}}"#, "Null takes no IfExists"),
        (#""Condition": {"Null": {"aws:SourceVpce": "maybe"}}"#, #"is not "true" or "false""#),
        (#""Condition": {"Null": {"aws:SourceVpce": ["true", "false"]}}"#, "exactly one value"),
        (
            #""Condition": {"StringEquals": {"aws:SourceVpcee": "x"}}"#,
            #"condition key "aws:SourceVpcee" is not supported"#
        ),
        (#""Condition": {"StringEquals": {"gatehouse:ClientCert": "x"}}"#, "is not supported"),
        (#""Condition": {"StringEquals": {"nonamespace": "x"}}"#, "is not supported"),
        (#""Condition": {"StringEquals": {"aws:PrincipalTag/": "x"}}"#, "is not supported"),
        (#""Condition": {"StringEquals": {"aws:SourceVpce": []}}"#, "has no values"),
        (#""Condition": {"StringEquals": {"aws:SourceVpce": null}}"#, "must be a string, number or boolean"),
        (#""Condition": {"StringEquals": {"aws:SourceVpce": {"a": "b"}}}"#, "must be a string, number or boolean"),
        (#""Condition": {"StringEquals": {}}"#, "must map condition keys to values"),
        (#""Condition": {"StringEquals": "aws:SourceVpce"}"#, "must map condition keys to values"),
        (#""Condition": ["StringEquals"]"#, "Condition must be an object"),
        (#""Condition": {"NumericLessThan": {"test:n": "ten"}}"#, #"value "ten" is not a number"#),
        (#""Condition": {"NumericLessThan": {"test:n": "1e999"}}"#, "is not a number"),
        (#""Condition": {"DateLessThan": {"aws:CurrentTime": "yesterday"}}"#, "is not an ISO 8601 date"),
        (#""Condition": {"DateLessThan": {"aws:CurrentTime": "2026-02-30"}}"#, "is not an ISO 8601 date"),
        (#""Condition": {"DateLessThan": {"aws:CurrentTime": "2026-11-28T12:00:00"}}"#, "is not an ISO 8601 date"),
        (#""Condition": {"Bool": {"aws:SecureTransport": "yes"}}"#, #"is not "true" or "false""#),
        (#""Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}"#, "is not an IPv4 or IPv6 address or CIDR"),
        (#""Condition": {"IpAddress": {"aws:SourceIp": "fe80::1%eth0"}}"#, "is not an IPv4 or IPv6 address or CIDR"),
        (#""Condition": {"IpAddress": {"aws:SourceIp": "localhost"}}"#, "is not an IPv4 or IPv6 address or CIDR"),
        (#""Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*"}}"#, "is not an ARN"),
        (#""Condition": {"ArnEquals": {"aws:PrincipalArn": "alice"}}"#, "is not an ARN"),
        (#""Condition": {"StringEquals": {"aws:UserAgent": "${aws:UserAgent"}}"#, "unterminated policy variable"),
        (#""Condition": {"StringEquals": {"aws:UserAgent": "${aws:username}"}}"#, "names an unsupported key"),
        (#""Condition": {"StringEquals": {"aws:UserAgent": "${aws:UserAgent, none}"}}"#, "must be quoted"),
        (#""Effects": "Deny""#, #"unknown statement element "Effects""#),
        (#""NotAction": "s3:*""#, "has both Action and NotAction"),
        (#""NotResource": "*""#, "has both Resource and NotResource"),
        (#""NotPrincipal": "*""#, "has both Principal and NotPrincipal"),
    ])
    func rejected(_ fields: String, _ expected: String) throws {
        let error = Fixture.loadError(Self.denyPost(fields))
        #expect(error?.message.hasPrefix(#"statement 2 ("DenyPost"): "#) == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "loaded")")
        #expect(error?.position != nil)
    }

    @Test(arguments: [
        (#"{"Sid": "X", "Effect": "allow", "Principal": "*", "Action": "*", "Resource": "*"}"#, "Effect must be"),
        (#"{"Sid": "X", "Principal": "*", "Action": "*", "Resource": "*"}"#, "Effect is missing"),
        (#"{"Sid": "X", "Effect": "Allow", "Action": "*", "Resource": "*"}"#, "Principal or NotPrincipal is missing"),
        (#"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Resource": "*"}"#, "Action or NotAction is missing"),
        (#"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": "*"}"#, "Resource or NotResource is missing"),
        (#"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": [], "Resource": "*"}"#, "must not be empty"),
        (#"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": [1], "Resource": "*"}"#, "must be strings"),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": "Invoke", "Resource": "*"}"#,
            #"action "Invoke" must be"#
        ),
        (#"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "users/*"}"#, "is not an ARN"),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "arn:aws:execute-api:*"}"#,
            "is not an ARN"
        ),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": {"a": 1}}"#,
            "must be a string or an array"
        ),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": "alice", "Action": "*", "Resource": "*"}"#,
            #"Principal must be "*" or an object"#
        ),
        (#"{"Sid": "X", "Effect": "Allow", "Principal": {}, "Action": "*", "Resource": "*"}"#, "must not be empty"),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "*", "Resource": "*"}"#,
            #"type "Service" is not supported"#
        ),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/*"}, "Action": "*", "Resource": "*"}"#,
            "has a wildcard"
        ),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": {"AWS": "12345"}, "Action": "*", "Resource": "*"}"#,
            "is not \"*\", a 12-digit account id"
        ),
        (
            #"{"Sid": "X", "Effect": "Allow", "Principal": {"AWS": "arn:aws:s3:::bucket"}, "Action": "*", "Resource": "*"}"#,
            "is not \"*\", a 12-digit account id"
        ),
        (#"{"Sid": 7, "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#, "Sid must be a string"),
        (#"{"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#, "duplicate Sid"),
        (#""just a string""#, "must be an object"),
    ])
    func rejectedStatement(_ statement: String, _ expected: String) throws {
        let error = Fixture.loadError(Self.statements(statement))
        #expect(error?.message.hasPrefix("statement 2") == true, "\(error?.message ?? "loaded")")
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "loaded")")
    }

    @Test(arguments: [
        (#"{"Version": "2012-10-18", "Statement": []}"#, "Version must be"),
        (#"{"Version": "2012-10-17"}"#, "no Statement"),
        (#"{"Statement": []}"#, "Statement must not be empty"),
        (#"{"Statement": "Allow"}"#, "Statement must be an object or an array"),
        (#"{"Id": 5, "Statement": []}"#, "Id must be a string"),
        (#"{"version": "2012-10-17", "Statement": []}"#, #"unknown policy element "version""#),
        (#"["Statement"]"#, "must be a JSON object"),
    ])
    func rejectedDocument(_ json: String, _ expected: String) throws {
        let error = Fixture.loadError(json)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "loaded")")
        #expect(error?.statement == nil)
    }

    @Test(arguments: [
        (#"{"Statement": [],}"#, JSONPosition(line: 1, column: 18)),
        ("{\"Statement\": [\n  {\"Effect\": \"Allow\" \"Sid\": \"x\"}]}", JSONPosition(line: 2, column: 22)),
        (#"{"Effect": "Allow", "Effect": "Deny"}"#, JSONPosition(line: 1, column: 21)),
        ("{\"a\": \"\u{1}\"}", JSONPosition(line: 1, column: 8)),
        (#"{"a": 01}"#, JSONPosition(line: 1, column: 7)),
        (#"{"a": tru}"#, JSONPosition(line: 1, column: 7)),
        (#"{"a": "\x"}"#, JSONPosition(line: 1, column: 8)),
        (#"{"a": "\ud800"}"#, JSONPosition(line: 1, column: 8)),
        (#"{"a": 1} x"#, JSONPosition(line: 1, column: 10)),
        (#"// comment"#, JSONPosition(line: 1, column: 1)),
        ("", JSONPosition(line: 1, column: 1)),
    ])
    func syntaxErrorsCarryPositions(_ json: String, _ position: JSONPosition) throws {
        let error = Fixture.loadError(json)
        #expect(error?.isSyntaxError == true)
        #expect(error?.message.hasPrefix("invalid JSON: ") == true)
        #expect(error?.position == position, "\(error?.message ?? "loaded")")
    }

    @Test func duplicateKeysAreRejectedNotLastWins() throws {
        let error = Fixture.loadError(
            #"{"Statement": {"Effect": "Deny", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}"#)
        #expect(error?.message == #"invalid JSON: duplicate key "Effect""#)
    }

    @Test func invalidUTF8IsRejected() throws {
        let bytes: [UInt8] = Array(#"{"Statement": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: PolicyError.self) {
            try ResourcePolicy(json: bytes, region: "us-east-1", accountID: "123456789012", apiID: "a1b2c3d4e5")
        }
    }

    @Test func deepNestingIsRejected() throws {
        let json = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(Fixture.loadError(json)?.message.contains("nesting deeper") == true)
    }
}
