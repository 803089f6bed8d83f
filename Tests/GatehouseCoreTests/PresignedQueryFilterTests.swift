import Testing

@testable import GatehouseCore

@Suite struct PresignedQueryFilterTests {
    private static let credentials =
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fexecute-api%2Faws4_request"
        + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
        + "&X-Amz-Security-Token=tok%2Fen&X-Amz-Region-Set=us-east-1&X-Amz-Signature=abcdef"

    /// (query as sent, query forwarded)
    @Test(arguments: [
        // a presigned request: every credential goes, the rest keep their order and bytes
        ("b=2&" + credentials + "&a=1", "b=2&a=1"),
        ("z=%2F%20+x&" + credentials + "&y=a%2fb&x", "z=%2F%20+x&y=a%2fb&x"),
        ("X-Amz-Signature=abc", ""),
        ("X-Amz-Signature", ""),
        ("a=1&&X-Amz-Signature=abc&&b=2", "a=1&&&b=2"),
        // repeated credentials all go
        ("X-Amz-Signature=1&X-Amz-Signature=2&k=v", "k=v"),
        // names are read as the verifier reads them: percent-decoded, case-sensitive
        ("X%2DAmz-Signature=abc&k=v", "k=v"),
        ("X-Amz-Signature=abc&X-Amz-Cred%65ntial=AKID&k=v", "k=v"),
        ("%58%2D%41%6D%7A%2D%53ignature=abc&k=v", "k=v"),
        ("X-Amz-Signature=abc&x-amz-credential=AKID&X-AMZ-DATE=1&k=v", "x-amz-credential=AKID&X-AMZ-DATE=1&k=v"),
        ("X-Amz-Signature=abc&X-Amz-Date-Extra=1&X-Amz-Signatures=2", "X-Amz-Date-Extra=1&X-Amz-Signatures=2"),
        ("X-Amz-Signature=abc&X-Amz-Dat%=1", "X-Amz-Dat%=1"),
        ("X-Amz-Signature=abc&ሴ=é&k=%E1%88%B4", "ሴ=é&k=%E1%88%B4"),
        // not presigned: forwarded as sent, X-Amz-* included
        ("a=1&X-Amz-Date=20260101T000000Z&X-Amz-Credential=x", "a=1&X-Amz-Date=20260101T000000Z&X-Amz-Credential=x"),
        ("x-amz-signature=abc&k=v", "x-amz-signature=abc&k=v"),
        ("X-Amz-Signature-Not=abc&k=v", "X-Amz-Signature-Not=abc&k=v"),
        ("X+Amz-Signature=abc", "X+Amz-Signature=abc"),
        ("", ""),
        ("&&", "&&"),
    ])
    func forwardsTheQueryLessCredentials(_ query: String, _ forwarded: String) {
        #expect(PresignedQueryFilter.forwardedQuery(query[...]) == forwarded[...])
    }

    @Test func anUnchangedQueryIsTheSameSlice() {
        let uri = "/prod/x?a=1&b=2"
        let query = uri[uri.index(after: uri.firstIndex(of: "?")!)...]
        let forwarded = PresignedQueryFilter.forwardedQuery(query)
        #expect(forwarded.startIndex == query.startIndex && forwarded == query, "no copy when nothing is removed")
    }
}
