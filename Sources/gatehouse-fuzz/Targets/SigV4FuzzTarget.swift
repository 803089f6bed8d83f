import SigV4

/// The SigV4/SigV4a verifier (the `Authorization` header and presigned-query parsers, the canonicalizer and the
/// signature check) and the public canonicalization steps. An input is a request as text, the layout of the AWS
/// test vectors: `METHOD TARGET HTTP/1.1`, `Name:value` lines, an empty line, the body. The verifier knows the
/// vectors' key (AKIDEXAMPLE) and runs at their time, so a vector verifies and mutations reach every check.
///
/// Properties: a request verifies only if it carries a signature, and no longer once its method or path changes;
/// the canonical query is canonical (canonicalizing it again changes nothing) and only holds encoded bytes; the
/// normalized canonical URI of an origin-form path has no dot or empty segment and only encoded bytes; the verifier
/// answers the same whether the fields are given as text, read in place from a head's bytes, or lent in place as the
/// gateway lends its parsed head (where an ASCII `Authorization` is parsed without a copy).
enum SigV4FuzzTarget {
    static let target = FuzzTarget(name: "sigv4", maximumLength: 4096, run: run)

    /// Contract §3: a SigV4 field given twice in `Authorization`, or an `X-Amz-*` parameter given twice in a
    /// presigned query, is refused.
    static let refusesRepeatedFields = true

    /// 2015-08-30T12:36:00Z, the time of the AWS test vectors.
    static let vectorTime = 1_440_938_160

    static let verifier = SigV4Verifier(region: "us-east-1", service: "service", maxClockSkew: 300) { keyID in
        keyID == "AKIDEXAMPLE"
            ? SigV4Identity(accessKeyID: keyID, secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") : nil
    }

    /// The product call, kept to these lines so a change of the verifier's API is adapted here alone.
    static func verify(_ request: SigV4Request, body: [UInt8]) -> Bool {
        let bodyHash = body.isEmpty ? SigV4Canonical.emptyPayloadHash : SigV4Canonical.sha256Hex(body)
        guard case .success = verifier.verify(request, bodySHA256Hex: bodyHash, now: vectorTime) else { return false }
        return true
    }

    /// The verifier's whole answer, for comparing two forms of one request.
    static func outcome(_ request: SigV4Request, body: [UInt8]) -> String {
        let bodyHash = body.isEmpty ? SigV4Canonical.emptyPayloadHash : SigV4Canonical.sha256Hex(body)
        return String(describing: verifier.verify(request, bodySHA256Hex: bodyHash, now: vectorTime))
    }

    static func run(_ input: [UInt8]) {
        let (request, body) = FuzzRequestText.parse(input)
        let asText = outcome(request, body: body)
        let inPlace = outcome(
            SigV4Request(
                method: request.method, path: request.path, query: request.query, fields: request.fields.inBlockForm),
            body: body)
        FuzzCheck.require(asText == inPlace, "fields read in place: \(inPlace), as text: \(asText), for \(request)")
        let lent = request.fields.withBorrowedForm {
            outcome(
                SigV4Request(method: request.method, path: request.path, query: request.query, fields: $0), body: body)
        }
        FuzzCheck.require(asText == lent, "fields lent in place: \(lent), as text: \(asText), for \(request)")
        if verify(request, body: body) {
            let signed =
                request.headers.contains { $0.name.lowercased() == "authorization" }
                || (request.query ?? "").contains("X-Amz-Signature=")
            FuzzCheck.require(signed, "verified a request without a signature: \(request)")
            var tampered = request
            tampered.method += "X"
            FuzzCheck.require(!verify(tampered, body: body), "verified after changing the method: \(request)")
            tampered = request
            tampered.path += "x"
            FuzzCheck.require(!verify(tampered, body: body), "verified after changing the path: \(request)")
            if refusesRepeatedFields {
                FuzzCheck.require(!FuzzRequestText.repeatsSignatureField(request), "verified a repeated field")
            }
        }
        checkCanonicalQuery(request.query)
        checkCanonicalURI(request.path)
    }

    static func checkCanonicalQuery(_ query: String?) {
        let canonical = SigV4Canonical.canonicalQuery(query)
        FuzzCheck.require(
            canonical.utf8.allSatisfy { isEncoded($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "&") },
            "canonical query \(canonical) of \(String(describing: query)) holds an unencoded byte")
        let again = SigV4Canonical.canonicalQuery(canonical)
        FuzzCheck.require(again == canonical, "canonical query \(canonical) canonicalizes again to \(again)")
    }

    /// Origin-form paths only: the gateway refuses any other request target before SigV4.
    static func checkCanonicalURI(_ path: String) {
        guard path.hasPrefix("/") else { return }
        let canonical = SigV4Canonical.canonicalURI(path: path)
        FuzzCheck.require(canonical.hasPrefix("/"), "canonical URI \(canonical) does not start with /")
        FuzzCheck.require(
            canonical.utf8.allSatisfy { isEncoded($0) || $0 == UInt8(ascii: "/") },
            "canonical URI \(canonical) holds an unencoded byte")
        let segments = canonical.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            FuzzCheck.require(segment != "." && segment != "..", "canonical URI \(canonical) has a dot segment")
            FuzzCheck.require(
                !segment.isEmpty || index == segments.count - 1, "canonical URI \(canonical) has an empty segment")
        }
    }

    /// RFC 3986 unreserved, or part of a `%XX` escape with uppercase hex.
    private static func isEncoded(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"), UInt8(ascii: "%"):
            true
        default: false
        }
    }
}
