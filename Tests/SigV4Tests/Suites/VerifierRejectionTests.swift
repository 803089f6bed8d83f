import Crypto
import GatehouseBytes
import Testing

@testable import SigV4

/// Every rejection path of the verifier, with the contract's error type and message.
@Suite struct VerifierRejectionTests {
    private let verifier = SigningFixture.verifier()
    private let now = SigningFixture.signedAt

    private func verify(_ request: SigV4Request, body: [UInt8] = [], now: Int? = nil) -> Result<
        VerifiedCaller, SigV4Error
    > {
        verifier.verify(request, bodySHA256Hex: SigV4Canonical.sha256Hex(body), now: now ?? self.now)
    }

    private func expectError(
        _ result: Result<VerifiedCaller, SigV4Error>,
        _ kind: SigV4Error.Kind,
        _ errorType: String,
        message: String? = nil,
        containing fragment: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .failure(let error) = result else {
            Issue.record("expected \(kind), got success", sourceLocation: sourceLocation)
            return
        }
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        #expect(error.errorType == errorType, sourceLocation: sourceLocation)
        #expect(error.status == 403, sourceLocation: sourceLocation)
        if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
        if let fragment {
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
        #expect(!error.message.contains(SigningFixture.secret), sourceLocation: sourceLocation)
        #expect(!error.message.contains(SigningFixture.tokenSecret), sourceLocation: sourceLocation)
    }

    @Test func validRequestVerifies() throws {
        let caller = try verify(SigningFixture.signed()).get()
        #expect(caller.accessKeyID == SigningFixture.accessKeyID)
        #expect(caller.principalARN == "arn:aws:iam::1:user/a")
        #expect(caller.algorithm == .hmacSHA256)
        #expect(!caller.presigned)
        #expect(caller.signedAt == now)
    }

    @Test func missingAuthenticationToken() {
        for request in [
            SigningFixture.unsigned(),
            SigningFixture.unsigned(query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&a=1"),
        ] {
            expectError(
                verify(request), .missingAuthenticationToken, "MissingAuthenticationTokenException",
                message: "Missing Authentication Token"
            )
        }
    }

    @Test func malformedAuthorization() {
        let base = SigningFixture.unsigned()
        let cases: [(String, String)] = [
            ("Bearer eyJhbGciOi.secret-token", "Unsupported Authorization type"),
            ("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc", "requires 'Credential' parameter"),
            (
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=host;x-amz-date",
                "requires 'Signature' parameter"
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/us-east-1/execute-api/aws4_request, Signature=ab",
                "requires 'SignedHeaders' parameter"
            ),
            ("AWS4-HMAC-SHA256 Credential", "missing equal-sign"),
            (
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/execute-api/aws4_request, SignedHeaders=host, "
                    + "Signature=ab",
                "Credential must have the form"
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/2015-08-30/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=host, Signature=ab",
                "Credential date must be in the form YYYYMMDD"
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/us-east-1/execute-api/aws5_request, "
                    + "SignedHeaders=host, Signature=ab",
                "valid terminator: 'aws4_request', not 'aws5_request'"
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=host;;x-amz-date, Signature=ab",
                "SignedHeaders must be"
            ),
        ]
        for (authorization, fragment) in cases {
            var request = base
            request.headers.append(("X-Amz-Date", "20150830T123600Z"))
            request.headers.append(("Authorization", authorization))
            let result = verify(request)
            expectError(result, .incompleteSignature, "IncompleteSignatureException", containing: fragment)
            if case .failure(let error) = result { #expect(!error.message.contains("secret-token")) }
        }
    }

    @Test func hostMustBeSigned() {
        var request = SigningFixture.unsigned()
        request.headers.append(("X-Amz-Date", "20150830T123600Z"))
        request.headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDGATEHOUSE/20150830/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=x-amz-date, Signature=0000"
            ))
        expectError(
            verify(request), .incompleteSignature, "IncompleteSignatureException",
            message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    }

    @Test func wrongRegionOrService() {
        let wrongRegion = SigningFixture.signed(by: SigningFixture.signer(region: "eu-west-1"))
        expectError(
            verify(wrongRegion), .incompleteSignature, "IncompleteSignatureException",
            message: "Credential should be scoped to a valid region, not 'eu-west-1'."
        )
        let wrongService = SigningFixture.signed(by: SigningFixture.signer(service: "s3"))
        expectError(
            verify(wrongService), .incompleteSignature, "IncompleteSignatureException",
            message: "Credential should be scoped to correct service: 'execute-api'."
        )
    }

    @Test func unknownAccessKey() {
        let request = SigningFixture.signed(by: SigningFixture.signer(keyID: "AKIDUNKNOWN"))
        expectError(
            verify(request), .unrecognizedClient, "UnrecognizedClientException",
            message: "The security token included in the request is invalid."
        )
    }

    @Test func sessionTokenMustMatch() throws {
        let good = SigningFixture.signer(
            keyID: SigningFixture.tokenKeyID, secret: SigningFixture.tokenSecret, token: SigningFixture.token
        )
        #expect(try verify(SigningFixture.signed(by: good)).get().usedSessionToken)
        #expect(try verify(SigningFixture.presigned(by: good)).get().usedSessionToken)
        let wrongToken = SigningFixture.signer(
            keyID: SigningFixture.tokenKeyID, secret: SigningFixture.tokenSecret, token: SigningFixture.token + "x"
        )
        let noToken = SigningFixture.signer(keyID: SigningFixture.tokenKeyID, secret: SigningFixture.tokenSecret)
        let tokenForPermanentKey = SigningFixture.signer(token: SigningFixture.token)
        for request in [
            SigningFixture.signed(by: wrongToken), SigningFixture.signed(by: noToken),
            SigningFixture.signed(by: tokenForPermanentKey), SigningFixture.presigned(by: wrongToken),
            SigningFixture.presigned(by: noToken), SigningFixture.presigned(by: tokenForPermanentKey),
        ] {
            expectError(
                verify(request), .unrecognizedClient, "UnrecognizedClientException",
                message: "The security token included in the request is invalid."
            )
        }
    }

    @Test func clockSkew() throws {
        let request = SigningFixture.signed()
        // 15 minutes after signing: the example wording from the contract.
        expectError(
            verify(request, now: now + 900), .signatureExpired, "InvalidSignatureException",
            message:
                "Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T125100Z - 5 min.)"
        )
        expectError(
            verify(request, now: now - 900), .signatureNotYetCurrent, "InvalidSignatureException",
            message:
                "Signature not yet current: 20150830T123600Z is still later than 20150830T122600Z "
                + "(20150830T122100Z + 5 min.)"
        )
        // The window edges are inclusive.
        _ = try verify(request, now: now + 300).get()
        _ = try verify(request, now: now - 300).get()
        expectError(verify(request, now: now + 301), .signatureExpired, "InvalidSignatureException")
        // A configured window other than whole minutes is worded in seconds.
        let strict = SigningFixture.verifier(maxClockSkew: 90)
        let result = strict.verify(request, bodySHA256Hex: SigV4Canonical.emptyPayloadHash, now: now + 91)
        expectError(result, .signatureExpired, "InvalidSignatureException", containing: "- 90 sec.)")
    }

    @Test func presignedExpiry() throws {
        let request = SigningFixture.presigned(expires: 60)
        _ = try verify(request, now: now + 60).get()
        expectError(
            verify(request, now: now + 61), .signatureExpired, "InvalidSignatureException",
            message:
                "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T123701Z - 1 min.)"
        )
        // A presigned URL may be used long after signing, within X-Amz-Expires (beyond the 5-minute skew).
        _ = try verify(SigningFixture.presigned(expires: 3600), now: now + 3000).get()
        expectError(
            verify(SigningFixture.presigned(expires: 60), now: now - 301), .signatureNotYetCurrent,
            "InvalidSignatureException"
        )
    }

    @Test func presignedExpiresLimit() throws {
        _ = try verify(SigningFixture.presigned(expires: 604_800)).get()
        expectError(
            verify(SigningFixture.presigned(expires: 604_801)), .incompleteSignature, "IncompleteSignatureException",
            message: "X-Amz-Expires must be less than a week (in seconds) that is 604800."
        )
        var malformed = SigningFixture.presigned()
        malformed.query = malformed.query?.replacingOccurrences(of: "X-Amz-Expires=900", with: "X-Amz-Expires=-5")
        expectError(
            verify(malformed), .incompleteSignature, "IncompleteSignatureException", containing: "X-Amz-Expires")
    }

    @Test func presignedMissingParameter() {
        var request = SigningFixture.presigned()
        request.query = request.query?.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Credential=") }
            .joined(separator: "&")
        expectError(
            verify(request), .incompleteSignature, "IncompleteSignatureException",
            message:
                "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters."
        )
    }

    @Test func bothAuthorizationHeaderAndPresignedQuery() {
        var request = SigningFixture.presigned()
        request.headers = SigningFixture.signed().headers
        expectError(verify(request), .incompleteSignature, "IncompleteSignatureException", containing: "Only one auth")
    }

    @Test func duplicateAuthorizationHeaders() {
        var request = SigningFixture.signed()
        request.headers.append(request.headers[request.headers.count - 1])
        expectError(
            verify(request), .incompleteSignature, "IncompleteSignatureException",
            message: "Only one Authorization header is allowed."
        )
    }

    @Test func declaredPayloadHash() throws {
        let body = Array(#"{"order":1}"#.utf8)
        let request = SigningFixture.signed(body: body, payload: .bodyHashWithHeader)
        _ = try verify(request, body: body).get()
        expectError(
            verify(request, body: Array(#"{"order":2}"#.utf8)), .invalidSignature, "InvalidSignatureException",
            message: "The provided 'x-amz-content-sha256' header does not match what was computed."
        )
        let bad = SigningFixture.replacingHeader(
            "X-Amz-Content-Sha256", with: "STREAMING-AWS4-HMAC-SHA256", in: request)
        expectError(
            verify(bad), .incompleteSignature, "IncompleteSignatureException", containing: "x-amz-content-sha256")
    }

    @Test func unsignedPayloadOnlyWhenDeclared() throws {
        let body = Array("anything".utf8)
        let unsigned = SigningFixture.signed(body: body, payload: .unsigned)
        let pending = try verifier.begin(unsigned, now: now).get()
        #expect(!pending.needsBodyHash)
        _ = try pending.finish(bodySHA256Hex: nil).get()
        // Without the declaration the body hash is what is signed: a changed body fails.
        let hashed = SigningFixture.signed(body: body)
        #expect(try verifier.begin(hashed, now: now).get().needsBodyHash)
        _ = try verify(hashed, body: body).get()
        expectError(verify(hashed, body: Array("anythinG".utf8)), .invalidSignature, "InvalidSignatureException")
        // Removing the declaration from a request signed with UNSIGNED-PAYLOAD does not verify.
        let stripped = SigningFixture.replacingHeader("X-Amz-Content-Sha256", with: nil, in: unsigned)
        expectError(verify(stripped, body: body), .invalidSignature, "InvalidSignatureException")
    }

    @Test func signatureMismatch() {
        let request = SigningFixture.signed(by: SigningFixture.signer(secret: "wrong secret"))
        let result = verify(request)
        expectError(
            result, .invalidSignature, "InvalidSignatureException",
            message:
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
                + "Access Key and signing method. Consult the service documentation for details."
        )
        // Tampering with anything signed fails: method, path, query, a signed header.
        var method = SigningFixture.signed()
        method.method = "DELETE"
        var path = SigningFixture.signed()
        path.path = "/prod/other"
        let query = SigningFixture.signed(SigningFixture.unsigned(query: "a=1"))
        var changedQuery = query
        changedQuery.query = "a=2"
        let host = SigningFixture.replacingHeader("Host", with: "evil.example", in: SigningFixture.signed())
        // Signatures are lowercase hex, as every SDK sends them; uppercase is refused, not normalized.
        var upper = SigningFixture.signed()
        let index = upper.headers.count - 1
        let signature = SignatureMutation.signature(inAuthorization: upper.headers[index].value)
        upper.headers[index].value = upper.headers[index].value.replacingOccurrences(
            of: signature, with: signature.uppercased()
        )
        for request in [method, path, changedQuery, host, upper] {
            expectError(verify(request), .invalidSignature, "InvalidSignatureException")
        }
    }

    /// A request dated only by an RFC 1123 `Date` header (signed by hand: our signer always sends X-Amz-Date).
    @Test func dateHeaderInsteadOfAmzDate() throws {
        var request = SigningFixture.unsigned()
        request.headers.append(("Date", "Sun, 30 Aug 2015 12:36:00 GMT"))
        let canonical = SigV4Canonical.canonicalRequest(
            method: request.method, path: request.path, query: nil, headers: request.headers,
            signedHeaders: ["date", "host"], payloadHash: SigV4Canonical.emptyPayloadHash
        )
        let scope = "20150830/us-east-1/execute-api/aws4_request"
        let stringToSign = SigV4Canonical.stringToSign(
            algorithm: .hmacSHA256, timestamp: "20150830T123600Z", credentialScope: scope, canonicalRequest: canonical
        )
        var mac = HMAC<SHA256>(
            key: SigV4KeyDerivation.signingKey(
                secret: SigningFixture.secret, date: "20150830", region: "us-east-1", service: "execute-api"
            )
        )
        mac.update(data: Array(stringToSign.utf8))
        request.headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(SigningFixture.accessKeyID)/\(scope), SignedHeaders=date;host, "
                    + "Signature=\(Hex.string(mac.finalize()))"
            ))
        #expect(try verify(request).get().signedAt == now)
        expectError(verify(request, now: now + 301), .signatureExpired, "InvalidSignatureException")
        let malformed = SigningFixture.replacingHeader("Date", with: "30 Aug 2015 12:36:00", in: request)
        expectError(verify(malformed), .incompleteSignature, "IncompleteSignatureException", containing: "RFC 1123")
    }

    @Test func dateHeaderForms() throws {
        // RFC 1123 Date header instead of X-Amz-Date: the signer's X-Amz-Date is replaced by Date, re-signed.
        var request = SigningFixture.unsigned()
        request.headers.append(("Date", "Sun, 30 Aug 2015 12:36:00 GMT"))
        let signed = SigningFixture.signed(request)
        let withoutAmzDate = SigningFixture.replacingHeader("X-Amz-Date", with: nil, in: signed)
        // The Authorization still lists x-amz-date, so it no longer matches; the date itself is accepted.
        expectError(verify(withoutAmzDate), .invalidSignature, "InvalidSignatureException")
        let badDate = SigningFixture.replacingHeader(
            "X-Amz-Date", with: "2015-08-30T12:36:00Z", in: SigningFixture.signed())
        expectError(verify(badDate), .incompleteSignature, "IncompleteSignatureException", containing: "ISO-8601")
        let noDate = SigningFixture.replacingHeader("X-Amz-Date", with: nil, in: SigningFixture.signed())
        expectError(
            verify(noDate), .incompleteSignature, "IncompleteSignatureException",
            message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
        let otherDay = SigningFixture.replacingHeader(
            "X-Amz-Date", with: "20150831T000000Z", in: SigningFixture.signed())
        expectError(
            verify(otherDay, now: now + 41_000), .incompleteSignature, "IncompleteSignatureException",
            containing: "'20150830' != '20150831'"
        )
    }

    @Test func secretRotationInvalidatesCachedKey() {
        let cache = SigV4KeyCache()
        let old = SigV4Verifier(region: "us-east-1", keyCache: cache) { SigningFixture.identities[$0] }
        let request = SigningFixture.signed()
        #expect(old.verify(request, bodySHA256Hex: nil, now: now).failureKind == nil)
        let rotated = SigV4Verifier(region: "us-east-1", keyCache: cache) { key in
            SigV4Identity(accessKeyID: key, secretAccessKey: "rotated")
        }
        #expect(rotated.verify(request, bodySHA256Hex: nil, now: now).failureKind == .invalidSignature)
    }
}
