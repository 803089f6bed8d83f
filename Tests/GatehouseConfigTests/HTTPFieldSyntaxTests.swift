import Testing

@testable import GatehouseConfig

/// MOCK headers are written to clients without NIO's outbound validation: they must be valid HTTP fields.
@Suite struct MockHeaderSafetyTests {
    private func isSafeHeader(name: String, value: String) -> Bool {
        HTTPFieldSyntax.isValidName(name) && HTTPFieldSyntax.isValidValue(value)
    }

    @Test func refusesHeaderInjection() {
        #expect(isSafeHeader(name: "content-type", value: "application/json"))
        #expect(!isSafeHeader(name: "x-a", value: "ok\r\nSet-Cookie: evil"))
        #expect(!isSafeHeader(name: "bad name", value: "v"))
        #expect(!isSafeHeader(name: "", value: "v"))
        #expect(!isSafeHeader(name: "x", value: "a\u{0}b"))
    }

    @Test func namesAreRFC9110Tokens() {
        #expect(HTTPFieldSyntax.isValidName("X-Custom_1.!#$%&'*+^`|~"))
        for bad in ["x\u{7F}", "a:b", "a/b", "(x)", "ü", "a\tb"] {
            #expect(!HTTPFieldSyntax.isValidName(bad), "\(bad)")
        }
    }

    @Test func aBadMockHeaderIsReportedAtItsPosition() throws {
        let fixture = try ConfigFixture()
        let yaml = APIValidationTests.api(
            routes: "      - route: GET /x\n        integration: {type: MOCK, headers: {\"x\\u007F\": v}}\n")
        let lines = fixture.problemLines(yaml)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("invalid header") == true, "\(lines)")
        #expect(lines.first?.hasPrefix(at("\"x\\u007F\"", in: yaml)) == true, "\(lines)")
    }
}
