import Testing

@testable import SigV4

/// SigV4a specifics: region sets with wildcards, the signed region-set header, malformed signatures.
@Suite struct SigV4aVerifierTests {
    private let now = SigningFixture.signedAt

    private func signer(regionSet: String) -> SigV4Signer {
        SigningFixture.signer(region: regionSet, algorithm: .ecdsaP256SHA256)
    }

    @Test func regionSetMustIncludeTheRegion() throws {
        let verifier = SigningFixture.verifier()
        for regionSet in ["us-east-1", "*", "us-*", "eu-west-1,us-east-1", "*-east-*", "US-EAST-1"] {
            let header = SigningFixture.signed(by: signer(regionSet: regionSet))
            let caller = try verifier.verify(header, bodySHA256Hex: nil, now: now).get()
            #expect(caller.algorithm == .ecdsaP256SHA256)
            let query = SigningFixture.presigned(by: signer(regionSet: regionSet))
            #expect(try verifier.verify(query, bodySHA256Hex: nil, now: now).get().presigned)
        }
        for regionSet in ["eu-west-1", "us-east-2", "eu-*", "us-east-1x", "us-east"] {
            for request in [
                SigningFixture.signed(by: signer(regionSet: regionSet)),
                SigningFixture.presigned(by: signer(regionSet: regionSet)),
            ] {
                let result = verifier.verify(request, bodySHA256Hex: nil, now: now)
                guard case .failure(let error) = result else {
                    Issue.record("region set \(regionSet) accepted")
                    continue
                }
                #expect(error.kind == .incompleteSignature)
                #expect(error.errorType == "IncompleteSignatureException")
                #expect(error.message == "The region set '\(regionSet)' does not include the region 'us-east-1'.")
            }
        }
    }

    @Test func regionSetHeaderMustBePresentAndSigned() {
        let verifier = SigningFixture.verifier()
        let signed = SigningFixture.signed(by: signer(regionSet: "us-east-1"))
        let missing = SigningFixture.replacingHeader("X-Amz-Region-Set", with: nil, in: signed)
        let result = verifier.verify(missing, bodySHA256Hex: nil, now: now)
        #expect(result.failureKind == .incompleteSignature)
        // Changing the signed region set breaks the signature.
        let changed = SigningFixture.replacingHeader("X-Amz-Region-Set", with: "*", in: signed)
        #expect(verifier.verify(changed, bodySHA256Hex: nil, now: now).failureKind == .invalidSignature)
        var presigned = SigningFixture.presigned(by: signer(regionSet: "us-east-1"))
        presigned.query = presigned.query?.replacingOccurrences(of: "&X-Amz-Region-Set=us-east-1", with: "")
        #expect(verifier.verify(presigned, bodySHA256Hex: nil, now: now).failureKind == .incompleteSignature)
    }

    @Test func malformedSignaturesAreMismatches() {
        let verifier = SigningFixture.verifier()
        let signed = SigningFixture.signed(by: signer(regionSet: "us-east-1"))
        let index = signed.headers.count - 1
        let signature = SignatureMutation.signature(inAuthorization: signed.headers[index].value)
        for replacement in ["", "zz", "3045", String(signature.dropLast()), signature + "00"] {
            var request = signed
            request.headers[index].value = signed.headers[index].value.replacingOccurrences(
                of: signature, with: replacement
            )
            #expect(verifier.verify(request, bodySHA256Hex: nil, now: now).failureKind == .invalidSignature)
        }
    }

    @Test func wrongKeyFails() {
        let verifier = SigningFixture.verifier()
        let other = SigningFixture.signer(secret: "another secret", region: "us-east-1", algorithm: .ecdsaP256SHA256)
        let result = verifier.verify(SigningFixture.signed(by: other), bodySHA256Hex: nil, now: now)
        #expect(result.failureKind == .invalidSignature)
    }
}
