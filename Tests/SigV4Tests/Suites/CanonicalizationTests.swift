import Testing

@testable import SigV4

/// The pure canonicalization rules for execute-api, each on a small example.
@Suite struct CanonicalizationTests {
    @Test(arguments: [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/prod/items", "/prod/items"),
        ("/prod/items/", "/prod/items/"),
        ("/prod//items//", "/prod/items/"),
        ("/prod/./a/../b", "/prod/b"),
        ("/../..", "/"),
        ("/a/b/../../", "/"),
        ("/prod/a%20b", "/prod/a%2520b"),
        ("/prod/100%", "/prod/100%25"),
        ("/prod/a b", "/prod/a%20b"),
        ("/prod/\u{1234}", "/prod/%E1%88%B4"),
        ("/prod/$x@y:z!*'()+=;,", "/prod/%24x%40y%3Az%21%2A%27%28%29%2B%3D%3B%2C"),
        ("/prod/-._~", "/prod/-._~"),
    ])
    func canonicalURI(path: String, expected: String) {
        #expect(SigV4Canonical.canonicalURI(path: path) == expected)
    }

    @Test func unnormalizedURIKeepsDotSegments() {
        #expect(SigV4Canonical.canonicalURI(path: "/a/./b/../c//", normalize: false) == "/a/./b/../c//")
    }

    @Test(
        arguments: [
            (nil, ""),
            ("", ""),
            ("b=2&a=1", "a=1&b=2"),
            ("Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"),
            ("k=b&k=a&k=A", "k=A&k=a&k=b"),
            ("flag&empty=", "empty=&flag="),
            ("plus=a+b", "plus=a%2Bb"),
            ("sp=a%20b&st=%2a&t=%7E", "sp=a%20b&st=%2A&t=~"),
            ("bad=%zz%2", "bad=%25zz%252"),
            ("a=1&&b=2&", "a=1&b=2"),
            ("eq=a=b", "eq=a%3Db"),
            ("\u{00fc}=\u{1234}", "%C3%BC=%E1%88%B4"),
        ] as [(String?, String)])
    func canonicalQuery(query: String?, expected: String) {
        #expect(SigV4Canonical.canonicalQuery(query) == expected)
    }

    @Test func presignedQueryLeavesOutTheSignature() {
        let query = "X-Amz-Signature=abc&a=1&X-Amz-Date=20150830T123600Z"
        #expect(SigV4Canonical.canonicalQuery(query, presigned: true) == "X-Amz-Date=20150830T123600Z&a=1")
        #expect(SigV4Canonical.canonicalQuery(query).hasPrefix("X-Amz-Date=20150830T123600Z&X-Amz-Signature=abc"))
    }

    @Test func headersAreTrimmedCollapsedAndJoined() {
        let canonical = SigV4Canonical.canonicalRequest(
            method: "GET",
            path: "/",
            query: nil,
            headers: [
                ("Host", "example.com"), ("My-Header", "  a   b\t\tc  "), ("my-header", "\"x   y\""),
                ("MY-HEADER", "z"), ("Other", "ignored"),
            ],
            signedHeaders: ["host", "my-header"],
            payloadHash: SigV4Canonical.emptyPayloadHash
        )
        #expect(
            canonical
                == "GET\n/\n\nhost:example.com\nmy-header:a b c,\"x y\",z\n\nhost;my-header\n"
                + SigV4Canonical.emptyPayloadHash
        )
    }

    @Test func timestamps() {
        #expect(AmzTimestamp(basic: "20150830T123600Z")?.epochSeconds == 1_440_938_160)
        #expect(AmzTimestamp(httpDate: "Sun, 30 Aug 2015 12:36:00 GMT")?.epochSeconds == 1_440_938_160)
        #expect(AmzTimestamp(epochSeconds: 1_440_938_160).basic == "20150830T123600Z")
        #expect(AmzTimestamp(epochSeconds: 951_782_400).basic == "20000229T000000Z")
        for bad in ["20150830T123600", "20150230T123600Z", "2015083OT123600Z", "20151330T000000Z", "20150830T246000Z"] {
            #expect(AmzTimestamp(basic: bad) == nil, "\(bad)")
        }
        #expect(AmzTimestamp(httpDate: "30 Aug 2015 12:36:00 GMT") == nil)
    }

    @Test func regionSets() {
        #expect(RegionSet.includes("*", region: "us-east-1"))
        #expect(RegionSet.includes("us-*-1", region: "us-east-1"))
        #expect(RegionSet.includes("eu-west-1, US-EAST-*", region: "us-east-1"))
        #expect(!RegionSet.includes("us-*-2", region: "us-east-1"))
        #expect(!RegionSet.includes("", region: "us-east-1"))
        #expect(!RegionSet.includes("us-east-?", region: "us-east-1"))
        #expect(RegionSet.includes("us-east-?", region: "us-east-?"))
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("ab".utf8)))
    }

    @Test func identityDescriptionHidesSecrets() {
        let identity = SigV4Identity(accessKeyID: "AKID", secretAccessKey: "s3cr3t", sessionToken: "t0k3n")
        #expect(!identity.description.contains("s3cr3t"))
        #expect(!identity.description.contains("t0k3n"))
    }
}
