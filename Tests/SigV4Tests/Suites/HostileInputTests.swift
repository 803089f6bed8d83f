import Foundation
import Testing

@testable import SigV4

/// Client input that would make the verifier do more work than the request is worth, or check something other than
/// what was signed: refused in phase 1 (`begin`, before the body), with `IncompleteSignatureException`.
@Suite struct HostileInputTests {
    private let verifier = SigningFixture.verifier()
    private let now = SigningFixture.signedAt

    /// Phase 1 only: what the gateway answers before reading any body.
    private func incompleteMessage(
        _ request: SigV4Request, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        switch verifier.begin(request, now: now) {
        case .success:
            Issue.record("accepted before the body", sourceLocation: sourceLocation)
            return nil
        case .failure(let error):
            #expect(error.kind == .incompleteSignature, "\(error.message)", sourceLocation: sourceLocation)
            #expect(error.errorType == "IncompleteSignatureException", sourceLocation: sourceLocation)
            #expect(error.status == 403, sourceLocation: sourceLocation)
            return error.message
        }
    }

    private func headerSigned(signedHeaders: String, extraHeaders: [(String, String)] = []) -> SigV4Request {
        var request = SigningFixture.unsigned()
        request.headers.append(("X-Amz-Date", "20150830T123600Z"))
        request.headers += extraHeaders.map { (name: $0.0, value: $0.1) }
        request.headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=\(signedHeaders), Signature=\(String(repeating: "0", count: 64))"
            ))
        return request
    }

    // MARK: SignedHeaders

    @Test(arguments: [
        ("host;x-amz-date;host", "host"),
        ("host;x-amz-date;HOST", "host"),
        ("host;x-amz-date;x-amz-date", "x-amz-date"),
        ("host;x-amz-content-sha256;x-amz-date;X-Amz-Content-Sha256", "x-amz-content-sha256"),
        ("a;host;x-amz-date;a", "a"),
    ])
    func signedHeadersNamingAHeaderTwice(list: String, repeated: String) {
        let message = incompleteMessage(headerSigned(signedHeaders: list))
        #expect(message == "SignedHeaders must not name a header twice; '\(repeated)' is repeated.")
    }

    @Test func longNamesThatDifferOnlyInTheMiddleAreNotRepeats() {
        // Same length, same first and last eight bytes: the key alone cannot tell them apart.
        let first = "x-custom-aaaaaaaa-header"
        let second = "x-custom-aaaabaaa-header"
        let request = headerSigned(signedHeaders: "host;\(first);x-amz-date;\(second)")
        if case .failure(let error) = verifier.begin(request, now: now) {
            Issue.record("refused before the body: \(error.message)")
        }
    }

    @Test func aRepeatedNameIsNotQuotedWhenLong() {
        let long = String(repeating: "x", count: 65)
        let message = incompleteMessage(headerSigned(signedHeaders: "host;\(long);x-amz-date;\(long)"))
        #expect(message == "SignedHeaders must not name a header twice.")
    }

    @Test func moreThanSixtyFourNames() {
        let names = ["host", "x-amz-date"] + (0..<63).map { "x-h\($0)" }
        let message = incompleteMessage(headerSigned(signedHeaders: names.joined(separator: ";")))
        #expect(message == "SignedHeaders must not name more than 64 headers.")
    }

    /// Sixty-four names is allowed: a request signing 64 headers verifies.
    @Test func sixtyFourSignedHeadersVerify() throws {
        var request = SigningFixture.unsigned()
        request.headers += (0..<62).map { (name: "X-H\($0)", value: "v\($0)") }
        let signed = SigningFixture.signed(request)
        let authorization = try #require(signed.headers.first { $0.name == "Authorization" }?.value)
        #expect(authorization.contains("SignedHeaders=host;x-amz-date;x-h0;"))
        let signedNames = authorization.split(separator: "SignedHeaders=")[1].prefix { $0 != "," }
        #expect(signedNames.split(separator: ";").count == 64)
        let caller = try verifier.verify(signed, bodySHA256Hex: SigV4Canonical.emptyPayloadHash, now: now).get()
        #expect(caller.accessKeyID == SigningFixture.accessKeyID)
    }

    /// The amplification of issue 11: a ~20 KB head naming one large header ten thousand times made the verifier
    /// build and hash about 100 MB before any signature check. Refused now in microseconds.
    @Test func amplificationIsRefusedCheaply() {
        let list = "host;x-amz-date;" + Array(repeating: "a", count: 10_000).joined(separator: ";")
        let request = headerSigned(signedHeaders: list, extraHeaders: [("a", String(repeating: "v", count: 10_000))])
        let clock = ContinuousClock()
        var message: String?
        let elapsed = clock.measure { message = incompleteMessage(request) }
        #expect(message == "SignedHeaders must not name a header twice; 'a' is repeated.")
        #expect(elapsed < .milliseconds(50), "\(elapsed)")
        let distinct = "host;x-amz-date;" + (0..<10_000).map { "a\($0)" }.joined(separator: ";")
        let many = headerSigned(signedHeaders: distinct, extraHeaders: [("a0", String(repeating: "v", count: 10_000))])
        #expect(incompleteMessage(many) == "SignedHeaders must not name more than 64 headers.")
        let repeated = headerSigned(
            signedHeaders: "host;x-amz-date;" + Array(repeating: "a", count: 60).joined(separator: ";"),
            extraHeaders: [("a", String(repeating: "v", count: 10_000))])
        #expect(incompleteMessage(repeated) == "SignedHeaders must not name a header twice; 'a' is repeated.")
    }

    @Test func presignedSignedHeadersAreCheckedToo() {
        var request = SigningFixture.presigned()
        request.query = request.query!.replacingOccurrences(
            of: "X-Amz-SignedHeaders=host", with: "X-Amz-SignedHeaders=host%3Bhost")
        #expect(incompleteMessage(request) == "SignedHeaders must not name a header twice; 'host' is repeated.")
    }

    // MARK: Authorization parameters given twice

    @Test(arguments: ["Credential", "SignedHeaders", "Signature"])
    func authorizationParameterGivenTwice(parameter: String) throws {
        let signed = SigningFixture.signed()
        let index = try #require(signed.headers.firstIndex { $0.name == "Authorization" })
        let authorization = signed.headers[index].value
        // The same value again: whichever one a parser kept, the signature would verify.
        let start = try #require(authorization.range(of: "\(parameter)="))
        let value = authorization[start.upperBound...].prefix { $0 != "," }
        var request = signed
        request.headers[index].value = authorization + ", \(parameter)=\(value)"
        #expect(
            incompleteMessage(request)
                == "Authorization header must not give the '\(parameter)' parameter more than once.")
        request.headers[index].value = authorization.replacingOccurrences(
            of: "\(parameter)=", with: "\(parameter)=\(value), \(parameter)=")
        #expect(
            incompleteMessage(request)
                == "Authorization header must not give the '\(parameter)' parameter more than once.")
    }

    // MARK: Presigned query parameters given twice

    @Test(arguments: [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Region-Set",
    ])
    func queryParameterGivenTwice(name: String) throws {
        let presigned = SigningFixture.presigned(SigningFixture.unsigned(query: "a=1"))
        let query = try #require(presigned.query)
        let pairs = query.split(separator: "&")
        // The same pair again (or twice, for a parameter this request does not carry).
        let pair = pairs.first { $0.hasPrefix("\(name)=") }.map(String.init) ?? "\(name)=us-east-1"
        var request = presigned
        request.query = query + "&" + pair + (pairs.contains { $0.hasPrefix("\(name)=") } ? "" : "&" + pair)
        #expect(
            incompleteMessage(request)
                == "AWS query-string parameters must not include '\(name)' more than once.")
        // A percent-encoded name is the same parameter.
        let encodedName = name.replacingOccurrences(of: "X-Amz-", with: "X-Amz%2D")
        request.query =
            query + "&" + pair.replacingOccurrences(of: name, with: encodedName)
            + (pairs.contains { $0.hasPrefix("\(name)=") } ? "" : "&" + pair)
        #expect(
            incompleteMessage(request)
                == "AWS query-string parameters must not include '\(name)' more than once.")
    }

    @Test func presignedRequestStillVerifies() throws {
        let request = SigningFixture.presigned(SigningFixture.unsigned(query: "a=1&a=2"))
        _ = try verifier.verify(request, bodySHA256Hex: nil, now: now).get()
    }

    // MARK: Region sets

    /// A region set of many wildcards is answered at once (the old recursive matcher never finished), before the
    /// key lookup.
    @Test(arguments: [
        String(repeating: "*", count: 10_000) + "x",
        String(repeating: "*a", count: 10_000),
        Array(repeating: String(repeating: "*-", count: 40) + "x", count: 100).joined(separator: ","),
    ])
    func wildcardRegionSetsAreLinear(regionSet: String) {
        let request = regionSetSigned(regionSet)
        let clock = ContinuousClock()
        var message: String?
        let elapsed = clock.measure { message = incompleteMessage(request) }
        #expect(message?.hasSuffix("does not include the region 'us-east-1'.") == true)
        #expect(elapsed < .milliseconds(50), "\(elapsed)")
    }

    /// A SigV4a request signing `regionSet` (for a key the verifier does not know: the region set is checked first).
    private func regionSetSigned(_ regionSet: String) -> SigV4Request {
        var request = SigningFixture.unsigned()
        request.headers.append(("X-Amz-Date", "20150830T123600Z"))
        request.headers.append(("X-Amz-Region-Set", regionSet))
        request.headers.append(
            (
                "Authorization",
                "AWS4-ECDSA-P256-SHA256 Credential=AKIDUNKNOWN/20150830/execute-api/aws4_request, "
                    + "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045"
            ))
        return request
    }

    /// The error quotes at most 128 bytes of the region set (then `…`), cut between characters: a region set as
    /// long as the head is not echoed back whole.
    @Test(arguments: [
        (String(repeating: "eu-west-1,", count: 1_000), String(repeating: "eu-west-1,", count: 12) + "eu-west-…"),
        // `é` is two bytes: at bytes 127–128 it would be split, so the quote stops before it.
        (
            String(repeating: "x", count: 127) + "é" + String(repeating: "y", count: 50),
            String(repeating: "x", count: 127) + "…"
        ),
        (
            String(repeating: "x", count: 126) + "é" + String(repeating: "y", count: 50),
            String(repeating: "x", count: 126) + "é…"
        ),
        (String(repeating: "z", count: 128), String(repeating: "z", count: 128)),
        (String(repeating: "z", count: 129), String(repeating: "z", count: 128) + "…"),
    ])
    func regionSetEchoIsCapped(regionSet: String, echoed: String) {
        let message = incompleteMessage(regionSetSigned(regionSet))
        #expect(message == "The region set '\(echoed)' does not include the region 'us-east-1'.")
    }
}
