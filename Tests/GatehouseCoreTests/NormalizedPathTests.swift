import Testing

@testable import GatehouseCore

@Suite struct NormalizedPathTests {
    /// Paths that normalize: the raw path, the segments routing and the policy see, and the trailing slash.
    @Test(arguments: [
        ("/prod/users/42", ["prod", "users", "42"], false),
        ("/prod//users///42", ["prod", "users", "42"], false),
        ("/prod/./users/42/", ["prod", "users", "42"], true),
        ("/prod/public/../admin", ["prod", "admin"], false),
        ("/prod/public/%2e%2e/admin", ["prod", "admin"], false),
        ("/prod/public/%2E%2E/admin", ["prod", "admin"], false),
        ("/prod/public/.%2e/admin", ["prod", "admin"], false),
        ("/prod/public/%2E./admin", ["prod", "admin"], false),
        ("/prod/public/%2e/admin", ["prod", "public", "admin"], false),
        ("/prod/public/%2e%2e", ["prod"], true),
        ("/prod/public/..", ["prod"], true),
        ("/prod/a%20b/%E1%88%B4", ["prod", "a b", "ሴ"], false),
        ("/prod/...", ["prod", "..."], false),
        ("/prod/..a/a..", ["prod", "..a", "a.."], false),
        ("/prod/%252e%252e/admin", ["prod", "%2e%2e", "admin"], false),
        ("/prod/a%3Db", ["prod", "a=b"], false),
        // an encoded `;` is data, not a path parameter: kept in its segment (and forwarded as `%3B`)
        ("/prod/public/..%3B/admin", ["prod", "public", "..;", "admin"], false),
        ("/prod/a%3bb", ["prod", "a;b"], false),
        // `..` at the root stays at the root, as AWS's canonical URI (RFC 3986 remove_dot_segments) clamps it.
        ("/..", [], false),
        ("/../prod/x", ["prod", "x"], false),
        ("/prod/../../admin", ["admin"], false),
        ("/%2e%2e/%2e%2e/prod/x/", ["prod", "x"], true),
        ("/", [], false),
        ("//", [], false),
        ("/prod/users/", ["prod", "users"], true),
        ("/prod/users//", ["prod", "users"], true),
        ("/prod/a.b/.x/x./", ["prod", "a.b", ".x", "x."], true),
    ])
    func normalizes(_ raw: String, _ segments: [String], _ trailingSlash: Bool) throws {
        let path = try NormalizedPath(rawPath: Substring(raw))
        #expect(path.segments == segments)
        #expect(path.trailingSlash == trailingSlash)
        // The decoded path is the segments joined, whether the normalizer rewrote the path or kept its raw text.
        #expect(path.decodedPath == "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : ""))
        #expect(path == NormalizedPath(segments: segments, trailingSlash: trailingSlash))
    }

    /// Paths refused with 400, and why.
    @Test(arguments: [
        ("/prod/public/..;/admin", NormalizedPath.Problem.pathParameter),
        ("/prod/public;jsessionid=1/x", .pathParameter),
        ("/prod;v=1/x", .pathParameter),
        ("/prod/x;", .pathParameter),
        ("/prod/;/x", .pathParameter),
        ("/prod/a%2Fadmin", .forbiddenEncodedCharacter),
        ("/prod/a%2fadmin", .forbiddenEncodedCharacter),
        ("/prod/public/..%2Fadmin", .forbiddenEncodedCharacter),
        ("/prod/a%5Cadmin", .forbiddenEncodedCharacter),
        ("/prod/a%5cadmin", .forbiddenEncodedCharacter),
        ("/prod/..\\admin", .forbiddenEncodedCharacter),
        ("/prod/a\\admin", .forbiddenEncodedCharacter),
        ("/prod/a%00", .forbiddenEncodedCharacter),
        // Found by scripts/fuzz (path target): a raw NUL was kept in the segment.
        ("/prod/a\u{0}admin", .forbiddenEncodedCharacter),
        ("/prod/a\u{0}b", .forbiddenEncodedCharacter),
        ("/prod/%zz", .badEscape),
        ("/prod/%", .badEscape),
        ("/prod/%2", .badEscape),
        ("/prod/x%2/y", .badEscape),
        ("/prod/%e1%88", .notUTF8),
        ("/prod/%ff", .notUTF8),
        ("prod/x", .notOriginForm),
        ("http://evil/prod", .notOriginForm),
        ("*", .notOriginForm),
        ("", .notOriginForm),
    ])
    func refuses(_ raw: String, _ problem: NormalizedPath.Problem) {
        #expect(throws: problem) { try NormalizedPath(rawPath: Substring(raw)) }
    }

    /// The byte entry point a fuzz harness calls: raw bytes that are not UTF-8 are refused, never turned into text.
    @Test func rawBytesThatAreNotUTF8AreRefused() {
        let raw: [UInt8] = Array("/prod/".utf8) + [0xC3, 0x28]
        let result = raw.withUnsafeBufferPointer { NormalizedPath.normalize(rawPath: $0) }
        #expect(result == .failure(.notUTF8))
        let empty = [UInt8]().withUnsafeBufferPointer { NormalizedPath.normalize(rawPath: $0) }
        #expect(empty == .failure(.notOriginForm))
    }

    @Test func decodedPathIsWhatThePolicySees() throws {
        #expect(try NormalizedPath(rawPath: "/prod/public/%2e%2e/admin").decodedPath == "/prod/admin")
        #expect(try NormalizedPath(rawPath: "/prod/x/./").decodedPath == "/prod/x/")
        #expect(try NormalizedPath(rawPath: "/../..").decodedPath == "/")
    }

    @Test func encodesSegmentsForTheUpstream() {
        #expect(percentEncodePathSegment("a b") == "a%20b")
        #expect(percentEncodePathSegment("ሴ") == "%E1%88%B4")
        #expect(percentEncodePathSegment("a/b?c#d%") == "a%2Fb%3Fc%23d%25")
        #expect(percentEncodePathSegment("a;b\\c") == "a%3Bb%5Cc")
        #expect(percentEncodePathSegment("x-._~!$&'()*+,=:@") == "x-._~!$&'()*+,=:@")
    }
}
