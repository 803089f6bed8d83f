import Foundation
import Testing

@testable import SigV4

/// Every case of the aws-c-auth SigV4 and SigV4a suites, on the verification side: the signed request is fed to
/// the verifier at the case's signing time; its canonical request and string to sign must match byte for byte,
/// the signature must verify, and the same signature with one bit flipped must not.
@Suite struct AWSCAuthSuiteTests {
    @Test func v4HeaderForm() throws {
        let cases = try AWSCAuthCase.all("v4")
        var run = 0
        for testCase in cases where testCase.isComplete {
            try checkHeaderForm(testCase, algorithm: .hmacSHA256)
            run += 1
        }
        print("SigV4 suite: \(run) aws-c-auth v4 header-form cases")
        #expect(cases.count == 38)
        #expect(run == 38)
    }

    @Test func v4QueryForm() throws {
        let cases = try AWSCAuthCase.all("v4")
        var run = 0
        for testCase in cases where testCase.isComplete {
            try checkQueryForm(testCase)
            run += 1
        }
        print("SigV4 suite: \(run) aws-c-auth v4 query-form cases")
        #expect(run == 38)
    }

    @Test func v4aHeaderForm() throws {
        let cases = try AWSCAuthCase.all("v4a")
        var run = 0
        var inputOnly = 0
        for testCase in cases {
            guard testCase.isComplete else {
                // No expected outputs exist for these two (SOURCES.md); aws-c-auth does not run them either.
                // We still sign their input with our SigV4a signer and verify it.
                try roundTripInputOnly(testCase)
                inputOnly += 1
                continue
            }
            try checkHeaderForm(testCase, algorithm: .ecdsaP256SHA256)
            run += 1
        }
        print("SigV4 suite: \(run) aws-c-auth v4a header-form cases (+\(inputOnly) input-only, signer round trip)")
        #expect(cases.count == 40)
        #expect(run == 38)
        #expect(inputOnly == 2)
    }

    @Test func v4aQueryForm() throws {
        let cases = try AWSCAuthCase.all("v4a")
        var run = 0
        for testCase in cases where testCase.isComplete {
            try checkQueryForm(testCase)
            run += 1
        }
        print("SigV4 suite: \(run) aws-c-auth v4a query-form cases")
        #expect(run == 38)
    }

    // MARK: - Header form

    private func checkHeaderForm(_ testCase: AWSCAuthCase, algorithm: SigV4Algorithm) throws {
        let input = try RawHTTPRequest(testCase.file("request.txt"))
        let signed = try RawHTTPRequest(testCase.file("header-signed-request.txt"))
        let bodyHash = SigV4Canonical.sha256Hex(input.body)
        let verifier = VectorConstants.verifier(
            normalize: testCase.normalize, token: signed.header("x-amz-security-token")
        )
        let pending = try verifier.begin(signed.sigV4Request, now: VectorConstants.now).get()
        #expect(
            try pending.canonicalRequest(bodySHA256Hex: bodyHash).get()
                == testCase.file("header-canonical-request.txt"),
            "\(testCase.name)"
        )
        #expect(
            try pending.stringToSign(bodySHA256Hex: bodyHash).get() == testCase.file("header-string-to-sign.txt"),
            "\(testCase.name)"
        )
        #expect(throws: Never.self, "\(testCase.name)") { try pending.finish(bodySHA256Hex: bodyHash).get() }
        // The same request read in place from a head's bytes, as the gateway gives it.
        let inPlace = try verifier.begin(signed.sigV4Request.inBlockForm(), now: VectorConstants.now).get()
        #expect(
            try inPlace.canonicalRequest(bodySHA256Hex: bodyHash).get()
                == testCase.file("header-canonical-request.txt"),
            "\(testCase.name) in place"
        )
        #expect(throws: Never.self, "\(testCase.name) in place") { try inPlace.finish(bodySHA256Hex: bodyHash).get() }
        // And lent from borrowed memory, as the gateway lends its parsed head: what begin keeps must not point into it.
        let borrowed = try signed.sigV4Request.withBorrowedForm {
            try verifier.begin($0, now: VectorConstants.now).get()
        }
        #expect(
            try borrowed.canonicalRequest(bodySHA256Hex: bodyHash).get()
                == testCase.file("header-canonical-request.txt"),
            "\(testCase.name) borrowed"
        )
        #expect(throws: Never.self, "\(testCase.name) borrowed") { try borrowed.finish(bodySHA256Hex: bodyHash).get() }

        let authorization = try #require(signed.header("authorization"))
        let signature = SignatureMutation.signature(inAuthorization: authorization)
        if algorithm == .hmacSHA256 {
            #expect(signature == (try testCase.file("header-signature.txt")), "\(testCase.name)")
        } else {
            // ECDSA signatures are randomized: the sample in header-signature.txt differs but must verify too.
            let sample = try testCase.file("header-signature.txt")
            let result = verifier.verify(
                replacingAuthorization(signed, authorization.replacingOccurrences(of: signature, with: sample)),
                bodySHA256Hex: bodyHash,
                now: VectorConstants.now
            )
            #expect(throws: Never.self, "\(testCase.name) sample") { try result.get() }
        }
        let flipped = authorization.replacingOccurrences(
            of: signature, with: SignatureMutation.flipLastBit(signature)
        )
        let tampered = verifier.verify(
            replacingAuthorization(signed, flipped), bodySHA256Hex: bodyHash, now: VectorConstants.now
        )
        #expect(tampered.failureKind == .invalidSignature, "\(testCase.name) flipped bit")
        try checkSigner(testCase, input: input, algorithm: algorithm, expectedAuthorization: authorization)
    }

    /// Our signer on the unsigned input: v4 must reproduce the expected Authorization exactly; v4a must verify.
    private func checkSigner(
        _ testCase: AWSCAuthCase,
        input: RawHTTPRequest,
        algorithm: SigV4Algorithm,
        expectedAuthorization: String
    ) throws {
        // The signer always normalizes (the execute-api rule) and always signs the token it sends, so the S3-style
        // unnormalized cases and the token-added-after-signing case are out of its scope.
        guard testCase.normalize, !testCase.omitSessionToken else { return }
        let signer = SigV4Signer(
            accessKeyID: VectorConstants.accessKeyID,
            secretAccessKey: VectorConstants.secret,
            sessionToken: testCase.token,
            region: VectorConstants.region,
            service: VectorConstants.service,
            algorithm: algorithm
        )
        let bodyHash = SigV4Canonical.sha256Hex(input.body)
        let added = signer.headersToAdd(
            for: input.sigV4Request,
            bodySHA256Hex: bodyHash,
            now: VectorConstants.now,
            payload: testCase.signBody ? .bodyHashWithHeader : .bodyHash
        )
        let authorization = try #require(added.last?.value)
        if algorithm == .hmacSHA256 {
            #expect(authorization == expectedAuthorization, "\(testCase.name) signer")
        }
        var request = input.sigV4Request
        request.headers += added
        let result = VectorConstants.verifier(token: testCase.token).verify(
            request, bodySHA256Hex: bodyHash, now: VectorConstants.now
        )
        #expect(throws: Never.self, "\(testCase.name) signer round trip") { try result.get() }
    }

    private func roundTripInputOnly(_ testCase: AWSCAuthCase) throws {
        let input = try RawHTTPRequest(testCase.file("request.txt"))
        try checkSigner(testCase, input: input, algorithm: .ecdsaP256SHA256, expectedAuthorization: "")
    }

    private func replacingAuthorization(_ request: RawHTTPRequest, _ value: String) -> SigV4Request {
        var result = request.sigV4Request
        result.headers = result.headers.map { $0.name.lowercased() == "authorization" ? ($0.name, value) : $0 }
        return result
    }

    // MARK: - Query form

    private func checkQueryForm(_ testCase: AWSCAuthCase) throws {
        let input = try RawHTTPRequest(testCase.file("request.txt"))
        var signed = try RawHTTPRequest(testCase.file("query-signed-request.txt"))
        let bodyHash = SigV4Canonical.sha256Hex(input.body)
        if testCase.omitSessionToken {
            // post-sts-header-after appends X-Amz-Security-Token after signing. execute-api signs every query
            // parameter but X-Amz-Signature, so as received this request must be refused...
            let asReceived = VectorConstants.verifier(token: testCase.token).verify(
                signed.sigV4Request, bodySHA256Hex: bodyHash, now: VectorConstants.now
            )
            #expect(asReceived.failureKind == .invalidSignature, "\(testCase.name) unsigned token parameter")
            // ...and what was signed is the request without it.
            signed.query = signed.query?.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Security-Token=") }
                .joined(separator: "&")
        }
        let query = try #require(signed.query)
        let token = SigV4Request(method: "GET", path: "/", query: query, headers: []).queryValue(
            "X-Amz-Security-Token"
        )
        let verifier = VectorConstants.verifier(normalize: testCase.normalize, token: token)
        let pending = try verifier.begin(signed.sigV4Request, now: VectorConstants.now).get()
        #expect(pending.needsBodyHash)
        #expect(
            try pending.canonicalRequest(bodySHA256Hex: bodyHash).get()
                == testCase.file("query-canonical-request.txt"),
            "\(testCase.name)"
        )
        #expect(
            try pending.stringToSign(bodySHA256Hex: bodyHash).get() == testCase.file("query-string-to-sign.txt"),
            "\(testCase.name)"
        )
        #expect(throws: Never.self, "\(testCase.name)") { try pending.finish(bodySHA256Hex: bodyHash).get() }

        let signature = String(query[query.range(of: "X-Amz-Signature=")!.upperBound...])
        var variants = [SignatureMutation.flipLastBit(signature)]
        let sample = try testCase.file("query-signature.txt")
        if sample != signature {
            // SigV4a: the sample signature is another valid ECDSA signature.
            var request = signed.sigV4Request
            request.query = query.replacingOccurrences(of: signature, with: sample)
            let result = verifier.verify(request, bodySHA256Hex: bodyHash, now: VectorConstants.now)
            #expect(throws: Never.self, "\(testCase.name) sample") { try result.get() }
        } else {
            variants.append(SignatureMutation.flipLastBit(sample))
        }
        for variant in variants {
            var request = signed.sigV4Request
            request.query = query.replacingOccurrences(of: signature, with: variant)
            let result = verifier.verify(request, bodySHA256Hex: bodyHash, now: VectorConstants.now)
            #expect(result.failureKind == .invalidSignature, "\(testCase.name) flipped bit")
        }
        try checkPresigner(testCase, input: input, expectedSignature: sample, isV4: sample == signature)
    }

    /// Our presigner on the unsigned input: the v4 signature must equal the suite's (parameter order differs, the
    /// canonical query does not); every presigned request must verify.
    private func checkPresigner(
        _ testCase: AWSCAuthCase,
        input: RawHTTPRequest,
        expectedSignature: String,
        isV4: Bool
    ) throws {
        // Same scope limits as the header signer: no unnormalized paths, no token added after signing.
        guard testCase.normalize, !testCase.omitSessionToken else { return }
        let signer = SigV4Signer(
            accessKeyID: VectorConstants.accessKeyID,
            secretAccessKey: VectorConstants.secret,
            sessionToken: testCase.token,
            region: VectorConstants.region,
            service: VectorConstants.service,
            algorithm: isV4 ? .hmacSHA256 : .ecdsaP256SHA256
        )
        let bodyHash = SigV4Canonical.sha256Hex(input.body)
        var request = input.sigV4Request
        request.query = signer.presignedQuery(
            for: request, bodySHA256Hex: bodyHash, now: VectorConstants.now, expires: 3600
        )
        let query = try #require(request.query)
        if isV4 {
            let produced = String(query[query.range(of: "X-Amz-Signature=")!.upperBound...])
            #expect(produced == expectedSignature, "\(testCase.name) presigner")
        }
        let result = VectorConstants.verifier(token: testCase.token).verify(
            request, bodySHA256Hex: bodyHash, now: VectorConstants.now
        )
        #expect(throws: Never.self, "\(testCase.name) presigner round trip") { try result.get() }
    }
}

extension SigV4Request {
    func queryValue(_ name: String) -> String? {
        RawQuery(query).value(named: name)
    }
}

extension Result where Failure == SigV4Error {
    var failureKind: SigV4Error.Kind? {
        if case .failure(let error) = self { return error.kind }
        return nil
    }
}
