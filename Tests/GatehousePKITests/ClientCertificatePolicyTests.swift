import Foundation
import Testing
import X509

@testable import GatehousePKI

@Suite("Client certificate verification")
struct ClientCertificatePolicyTests {
    let pki: TestPKI

    init() throws {
        self.pki = try TestPKI()
    }

    @Test func acceptsAValidClientAndReturnsItsIdentity() async throws {
        let alice = try self.pki.client("alice", uri: "spiffe://corp.internal/ns/prod/alice")
        let result = try await self.pki.policy().verify(chainDER: try alice.chainDER(), now: self.pki.now)
        let identity = try #require(result.success)
        #expect(identity.subject == "CN=alice")
        #expect(identity.uris == ["spiffe://corp.internal/ns/prod/alice"])
        #expect(identity == (try ClientIdentity(leafDER: try alice.chainDER()[0])))
    }

    @Test func rejectsAClientOfAnotherCA() async throws {
        let other = try CertificateAuthority.makeRoot(now: self.pki.now)
        let mallory = try self.pki.client("mallory", from: other)
        let result = try await self.pki.policy().verify(chainDER: try mallory.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "untrusted")
    }

    @Test func rejectsAForgedCertificateNamingTheTrustedIssuer() async throws {
        // Same issuer name as the trusted root, but signed by another key.
        let attacker = try CertificateAuthority.makeRoot(commonName: "x", now: self.pki.now)
        var forged = try attacker.issueLeaf(.client("eve"), now: self.pki.now).certificate
        forged = try Certificate(
            version: .v3,
            serialNumber: forged.serialNumber,
            publicKey: forged.publicKey,
            notValidBefore: forged.notValidBefore,
            notValidAfter: forged.notValidAfter,
            issuer: self.pki.root.certificate.subject,
            subject: forged.subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: forged.extensions,
            issuerPrivateKey: attacker.privateKey
        )
        let result = try await self.pki.policy().verify(chainDER: [try forged.derBytes()], now: self.pki.now)
        #expect(result.failureReason == "untrusted")
    }

    @Test func rejectsAnExpiredClient() async throws {
        let old = try self.pki.root.issueLeaf(
            LeafProfile(
                commonName: "old",
                notBefore: self.pki.now.addingTimeInterval(-3 * 86400),
                notAfter: self.pki.now.addingTimeInterval(-86400)
            )
        )
        let result = try await self.pki.policy().verify(chainDER: try old.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "expired")
    }

    @Test func rejectsANotYetValidClient() async throws {
        let early = try self.pki.root.issueLeaf(
            LeafProfile(commonName: "early", notBefore: self.pki.now.addingTimeInterval(86400))
        )
        let result = try await self.pki.policy().verify(chainDER: try early.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "not_yet_valid")
    }

    @Test func rejectsAClientWhoseCAHasExpired() async throws {
        let alice = try self.pki.client()
        let later = self.pki.root.certificate.notValidAfter.addingTimeInterval(60)
        let result = try await self.pki.policy().verify(chainDER: try alice.chainDER(), now: later)
        #expect(result.failureReason == "expired")
    }

    @Test func rejectsAServerOnlyCertificate() async throws {
        let server = try self.pki.root.issueLeaf(LeafProfile(commonName: "svc", usage: .server), now: self.pki.now)
        let result = try await self.pki.policy().verify(chainDER: try server.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "bad_eku")
    }

    @Test(arguments: [LeafProfile.Usage.unrestricted, .clientAndServer])
    func acceptsAbsentOrCombinedExtendedKeyUsage(_ usage: LeafProfile.Usage) async throws {
        let leaf = try self.pki.root.issueLeaf(LeafProfile(commonName: "svc", usage: usage), now: self.pki.now)
        let result = try await self.pki.policy().verify(chainDER: try leaf.chainDER(), now: self.pki.now)
        #expect(result.success != nil)
    }

    @Test func rejectsARevokedClientAndAcceptsOthers() async throws {
        let alice = try self.pki.client("alice")
        let bob = try self.pki.client("bob")
        let crl = try self.pki.root.makeCRL(revoking: [bob.certificate.serialNumber], now: self.pki.now)
        let policy = try self.pki.policy(crls: [crl])
        #expect(await policy.verify(chainDER: try bob.chainDER(), now: self.pki.now).failureReason == "revoked")
        #expect(await policy.verify(chainDER: try alice.chainDER(), now: self.pki.now).success != nil)
    }

    @Test func failsClosedWithoutACurrentCRLForTheIssuer() async throws {
        let alice = try self.pki.client("alice")
        let crl = try self.pki.root.makeCRL(revoking: [], now: self.pki.now, validity: 86400)
        let policy = try self.pki.policy(crls: [crl])
        let stale = self.pki.now.addingTimeInterval(2 * 86400)
        #expect(await policy.verify(chainDER: try alice.chainDER(), now: stale).failureReason == "revocation_unknown")
        let before = self.pki.now.addingTimeInterval(-60)
        #expect(await policy.verify(chainDER: try alice.chainDER(), now: before).failureReason == "revocation_unknown")

        let second = try CertificateAuthority.makeRoot(now: self.pki.now)
        let carol = try self.pki.client("carol", from: second)
        let both = try self.pki.policy(anchors: [self.pki.root, second], crls: [crl])
        let result = await both.verify(chainDER: try carol.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "revocation_unknown")
    }

    @Test func rejectsACRLSignedByAnUnknownKeyAtLoad() throws {
        let other = try CertificateAuthority.makeRoot(now: self.pki.now)
        let crl = try other.makeCRL(revoking: [], now: self.pki.now)
        #expect(throws: PKIError.self) { try self.pki.policy(crls: [crl]) }
    }

    @Test func rejectsACRLWithTheTrustedNameButAnotherKeyAtLoad() throws {
        let impostor = try CertificateAuthority.makeRoot(
            commonName: self.pki.root.certificate.subject.description.replacingOccurrences(of: "CN=", with: "")
                .components(separatedBy: ",")[0],
            now: self.pki.now
        )
        #expect(impostor.certificate.subject == self.pki.root.certificate.subject)
        let crl = try impostor.makeCRL(revoking: [], now: self.pki.now)
        #expect(throws: PKIError.self) { try self.pki.policy(crls: [crl]) }
    }

    @Test func acceptsSeveralCRLsInOneFile() async throws {
        let second = try CertificateAuthority.makeRoot(now: self.pki.now)
        let carol = try self.pki.client("carol", from: second)
        let crls = [
            try self.pki.root.makeCRL(revoking: [], now: self.pki.now),
            try second.makeCRL(revoking: [carol.certificate.serialNumber], now: self.pki.now),
        ]
        let policy = try self.pki.policy(anchors: [self.pki.root, second], crls: crls)
        #expect(await policy.verify(chainDER: try carol.chainDER(), now: self.pki.now).failureReason == "revoked")
        let alice = try self.pki.client("alice")
        #expect(await policy.verify(chainDER: try alice.chainDER(), now: self.pki.now).success != nil)
    }

    @Test func acceptsAChainThroughAnIntermediate() async throws {
        let intermediate = try self.pki.root.issueIntermediate(commonName: "Issuing CA", now: self.pki.now)
        let dave = try self.pki.client("dave", from: intermediate)
        #expect(try dave.chainDER().count == 2)
        let policy = try self.pki.policy()
        #expect(await policy.verify(chainDER: try dave.chainDER(), now: self.pki.now).success != nil)
        // Without the intermediate there is no path to the root.
        let leafOnly = [try dave.chainDER()[0]]
        #expect(await policy.verify(chainDER: leafOnly, now: self.pki.now).failureReason == "untrusted")
        // A pinned intermediate is a trust anchor on its own.
        let pinned = try self.pki.policy(anchors: [intermediate])
        #expect(await pinned.verify(chainDER: leafOnly, now: self.pki.now).success != nil)
    }

    @Test func checksRevocationOfIntermediatesToo() async throws {
        let intermediate = try self.pki.root.issueIntermediate(commonName: "Issuing CA", now: self.pki.now)
        let dave = try self.pki.client("dave", from: intermediate)
        let rootCRL = try self.pki.root.makeCRL(revoking: [intermediate.certificate.serialNumber], now: self.pki.now)
        let intermediateCRL = try intermediate.makeCRL(revoking: [], now: self.pki.now)
        let policy = try self.pki.policy(anchors: [self.pki.root, intermediate], crls: [rootCRL, intermediateCRL])
        // Via the pinned intermediate the chain is leaf → intermediate (anchor) and passes; via the root the
        // intermediate is revoked. The verifier prefers the shortest chain through the root store.
        let viaAnchor = await policy.verify(chainDER: try dave.chainDER(), now: self.pki.now)
        #expect(viaAnchor.success != nil)

        let rootOnly = try self.pki.policy(crls: [rootCRL])
        let result = await rootOnly.verify(chainDER: try dave.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "revoked")

        let clean = try self.pki.root.makeCRL(revoking: [], now: self.pki.now)
        let missingLeafCRL = try self.pki.policy(crls: [clean])
        let unknown = await missingLeafCRL.verify(chainDER: try dave.chainDER(), now: self.pki.now)
        #expect(unknown.failureReason == "revocation_unknown")
    }

    @Test func rejectsMalformedInput() async throws {
        let policy = try self.pki.policy()
        #expect(await policy.verify(chainDER: [], now: self.pki.now).failureReason == "malformed")
        #expect(
            await policy.verify(chainDER: [[0x30, 0x03, 0x02, 0x01]], now: self.pki.now).failureReason == "malformed")
        let alice = try self.pki.client()
        let withJunk = [try alice.chainDER()[0], [0x01, 0x02]]
        #expect(await policy.verify(chainDER: withJunk, now: self.pki.now).failureReason == "malformed")
    }

    @Test func rejectsOverlongChains() async throws {
        let alice = try self.pki.client()
        let chain = Array(repeating: try alice.chainDER()[0], count: ClientCertificatePolicy.maximumChainLength + 1)
        let result = try await self.pki.policy().verify(chainDER: chain, now: self.pki.now)
        #expect(result.failureReason == "malformed")
    }

    @Test func rejectsSANsWithControlCharacters() async throws {
        let evil = try self.pki.root.issueLeaf(
            LeafProfile(commonName: "evil", uris: ["spiffe://x/a\r\nX-Injected: 1"]),
            now: self.pki.now
        )
        let result = try await self.pki.policy().verify(chainDER: try evil.chainDER(), now: self.pki.now)
        #expect(result.failureReason == "malformed")
    }

    @Test func loadErrorsNameTheFile() throws {
        #expect(throws: PKIError.invalidPEM("/etc/ca.pem", "it holds no CERTIFICATE block")) {
            try ClientCertificatePolicy(
                trustRootsPEM: "",
                crlPEM: nil,
                allowedClients: [],
                trustRootsSource: "/etc/ca.pem"
            )
        }
        do {
            _ = try ClientCertificatePolicy(
                trustRootsPEM: try self.pki.rootPEM,
                crlPEM: "-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n",
                allowedClients: [],
                crlSource: "/etc/crl.pem"
            )
            Issue.record("a broken CRL must not load")
        } catch let error as PKIError {
            #expect(error.message.contains("/etc/crl.pem"))
        }
        #expect(throws: PKIError.self) {
            try ClientCertificatePolicy(trustRootsPEM: try self.pki.rootPEM, crlPEM: "no pem", allowedClients: [])
        }
    }
}
