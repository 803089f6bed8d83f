import Testing

@testable import GatehouseCore

@Suite struct NormalizedPathTests {
    @Test(arguments: [
        ("/prod/users/42", ["prod", "users", "42"], false),
        ("/prod//users///42", ["prod", "users", "42"], false),
        ("/prod/./users/42/", ["prod", "users", "42"], true),
        ("/prod/public/../admin", ["prod", "admin"], false),
        ("/prod/public/%2e%2e/admin", ["prod", "admin"], false),
        ("/prod/public/%2E%2E/admin", ["prod", "admin"], false),
        ("/prod/a%20b/%E1%88%B4", ["prod", "a b", "ሴ"], false),
        ("/", [], false),
    ])
    func normalizes(_ raw: String, _ segments: [String], _ trailingSlash: Bool) throws {
        let path = try NormalizedPath(rawPath: Substring(raw))
        #expect(path.segments == segments)
        #expect(path.trailingSlash == trailingSlash)
    }

    @Test(arguments: [
        ("/prod/a%2Fadmin", NormalizedPath.Problem.forbiddenEncodedCharacter),
        ("/prod/a%5Cadmin", .forbiddenEncodedCharacter),
        ("/prod/a\\admin", .forbiddenEncodedCharacter),
        ("/prod/a%00", .forbiddenEncodedCharacter),
        // Found by scripts/fuzz (path target): a raw NUL was kept in the segment.
        ("/prod/a\u{0}admin", .forbiddenEncodedCharacter),
        ("/prod/%zz", .badEscape),
        ("/prod/%e1%88", .badEscape),
        ("/..", .climbsAboveRoot),
        ("/prod/../../etc", .climbsAboveRoot),
        ("prod/x", .notOriginForm),
        ("http://evil/prod", .notOriginForm),
    ])
    func refuses(_ raw: String, _ problem: NormalizedPath.Problem) {
        #expect(throws: problem) { try NormalizedPath(rawPath: Substring(raw)) }
    }

    @Test func encodesSegmentsForTheUpstream() {
        #expect(percentEncodePathSegment("a b") == "a%20b")
        #expect(percentEncodePathSegment("ሴ") == "%E1%88%B4")
        #expect(percentEncodePathSegment("a/b?c#d%") == "a%2Fb%3Fc%23d%25")
        #expect(percentEncodePathSegment("x-._~!$&'()*+,;=:@") == "x-._~!$&'()*+,;=:@")
    }
}
