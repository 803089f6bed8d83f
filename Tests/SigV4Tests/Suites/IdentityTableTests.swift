import Crypto
import GatehouseBytes
import Testing

@testable import SigV4

/// The gateway's identity table (`SigV4IdentityTable`): found by the key id's bytes, one entry per key id, and the
/// signing key kept with an entry must be exactly the key a fresh derivation gives, for that day, region and service.
@Suite struct IdentityTableTests {
    private let now = SigningFixture.signedAt
    /// Longer than the 32 bytes held inline: found through the `String` table.
    private static let longKeyID = String(repeating: "AKIDLONG", count: 5)
    private static let table = SigV4IdentityTable([
        SigV4Identity(accessKeyID: SigningFixture.accessKeyID, secretAccessKey: SigningFixture.secret),
        SigV4Identity(accessKeyID: longKeyID, secretAccessKey: "long/Secret"),
        SigV4Identity(accessKeyID: SigningFixture.accessKeyID, secretAccessKey: "a duplicate, ignored"),
        SigV4Identity(accessKeyID: "AKIDGATEHOUS", secretAccessKey: "a prefix of the first"),
    ])

    @Test func findsIdentitiesByTheirBytesFirstOfDuplicatesKept() {
        let table = Self.table
        #expect(table.identities.map(\.accessKeyID) == [SigningFixture.accessKeyID, Self.longKeyID, "AKIDGATEHOUS"])
        #expect(table.identity(for: SigningFixture.accessKeyID)?.secretAccessKey == SigningFixture.secret)
        #expect(table.identity(for: Self.longKeyID)?.secretAccessKey == "long/Secret")
        #expect(table.identity(for: "AKIDGATEHOUS")?.secretAccessKey == "a prefix of the first")
        for unknown in ["", "AKIDGATEHOUSE ", "akidgatehouse", "AKIDGATEHOUS\0", String(Self.longKeyID.dropLast())] {
            #expect(table.identity(for: unknown) == nil, "\(unknown)")
        }
        let exactlyInline = String(repeating: "K", count: SigV4IdentityTable.InlineKeyID.capacity)
        let edge = SigV4IdentityTable([SigV4Identity(accessKeyID: exactlyInline, secretAccessKey: "s")])
        #expect(edge.identity(for: exactlyInline) != nil)
        #expect(edge.identity(for: exactlyInline + "K") == nil)
    }

    /// Small tables are scanned, larger ones hashed: both find every identity and nothing else.
    @Test(arguments: [1, SigV4IdentityTable.scanLimit, SigV4IdentityTable.scanLimit + 1, 40])
    func findsEveryIdentityScannedOrHashed(count: Int) {
        let keyIDs = (0..<count).map { "AKIA\(String(repeating: "0", count: 12))\(1000 + $0)" }
        let table = SigV4IdentityTable(keyIDs.map { SigV4Identity(accessKeyID: $0, secretAccessKey: "s-\($0)") })
        for keyID in keyIDs {
            #expect(table.identity(for: keyID)?.secretAccessKey == "s-\(keyID)")
        }
        #expect(table.identity(for: "AKIA\(String(repeating: "0", count: 12))\(1000 + count)") == nil)
        #expect(table.identity(for: "AKIA") == nil)
    }

    /// The gateway's verifier (a table) and a lookup function accept and refuse alike, and the table's says which
    /// identity signed.
    @Test func tableVerifierAgreesWithLookupVerifier() throws {
        let table = SigV4Verifier(region: "us-east-1", identities: Self.table)
        let lookup = SigV4Verifier(region: "us-east-1") { Self.table.identity(for: $0) }
        let long = SigningFixture.signer(keyID: Self.longKeyID, secret: "long/Secret")
        let requests = [
            SigningFixture.signed(), SigningFixture.signed(by: long),
            SigningFixture.signed(by: SigningFixture.signer(keyID: "AKIDNOBODY")),
            SigningFixture.signed(by: SigningFixture.signer(secret: "wrong")),
        ]
        for request in requests {
            let viaTable = table.verify(request, bodySHA256Hex: nil, now: now)
            let viaLookup = lookup.verify(request, bodySHA256Hex: nil, now: now)
            #expect(viaTable.failureKind == viaLookup.failureKind)
            #expect((try? viaTable.get())?.accessKeyID == (try? viaLookup.get())?.accessKeyID)
        }
        #expect(try table.verify(requests[0], bodySHA256Hex: nil, now: now).get().identityIndex == 0)
        #expect(try table.verify(requests[1], bodySHA256Hex: nil, now: now).get().identityIndex == 1)
        #expect(try lookup.verify(requests[0], bodySHA256Hex: nil, now: now).get().identityIndex == nil)
        #expect(requests[2...].allSatisfy { table.verify($0, bodySHA256Hex: nil, now: now).failureKind != nil })
    }

    /// The key kept with an entry is the derived key of the day it was asked for: the same MAC as a fresh
    /// derivation, and another day, region or service is not served from it.
    @Test func keptSigningKeyIsTheFreshlyDerivedOne() throws {
        let table = SigV4IdentityTable([
            SigV4Identity(accessKeyID: SigningFixture.accessKeyID, secretAccessKey: SigningFixture.secret)
        ])
        let entry = try #require(UTF8Bytes.with(SigningFixture.accessKeyID) { table.entry(for: $0) })
        #expect(entry.signingKey(day: 20_150_830, region: "us-east-1", service: "execute-api") == nil)
        let verifier = SigV4Verifier(region: "us-east-1", identities: table)
        _ = try verifier.verify(SigningFixture.signed(), bodySHA256Hex: nil, now: now).get()
        let kept = try #require(entry.signingKey(day: 20_150_830, region: "us-east-1", service: "execute-api"))
        let fresh = SigV4KeyDerivation.signingKey(
            secret: SigningFixture.secret, date: "20150830", region: "us-east-1", service: "execute-api")
        let message = Array("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/execute-api/aws4_request\n".utf8)
        #expect(
            kept.authenticationCode(message).bytes
                == Array(HMAC<SHA256>.authenticationCode(for: message, using: fresh)))
        #expect(entry.signingKey(day: 20_150_831, region: "us-east-1", service: "execute-api") == nil)
        #expect(entry.signingKey(day: 20_150_830, region: "eu-west-1", service: "execute-api") == nil)
        #expect(entry.signingKey(day: 20_150_830, region: "us-east-1", service: "s3") == nil)
        // The next day replaces it: one key per identity, so the table cannot grow.
        _ = try verifier.verify(SigningFixture.signed(at: now + 86_400), bodySHA256Hex: nil, now: now + 86_400).get()
        #expect(entry.signingKey(day: 20_150_830, region: "us-east-1", service: "execute-api") == nil)
        #expect(entry.signingKey(day: 20_150_831, region: "us-east-1", service: "execute-api") != nil)
    }

    /// Two verifiers of different regions sharing one table each get their own key, alternately.
    @Test func tableSharedByTwoRegionsServesEachItsKey() throws {
        let east = SigV4Verifier(region: "us-east-1", identities: Self.table)
        let west = SigV4Verifier(region: "eu-west-1", identities: Self.table)
        let eastRequest = SigningFixture.signed()
        let westRequest = SigningFixture.signed(by: SigningFixture.signer(region: "eu-west-1"))
        for _ in 0..<2 {
            _ = try east.verify(eastRequest, bodySHA256Hex: nil, now: now).get()
            _ = try west.verify(westRequest, bodySHA256Hex: nil, now: now).get()
        }
    }

    /// An `Authorization` value lent in place (the gateway's form) is parsed from its bytes without a `String`:
    /// every outcome — accepted, or refused with which error and message — is the one its text gives, non-ASCII
    /// values (parsed as text, as always) included.
    @Test func lentAuthorizationParsesAsItsText() throws {
        let signed = SigningFixture.signed()
        let index = try #require(signed.headers.firstIndex { $0.name == "Authorization" })
        let value = signed.headers[index].value
        let variants = [
            value, value.replacingOccurrences(of: "Signature=", with: "Signature=0"),
            value.replacingOccurrences(of: "us-east-1", with: "eu-west-1"),
            value.replacingOccurrences(of: SigningFixture.accessKeyID, with: "AKIDNOBODY"),
            value.replacingOccurrences(of: "SignedHeaders=host;", with: "SignedHeaders=host;;"),
            value.replacingOccurrences(of: ", Signature=", with: ", Signature=a, Signature="),
            value.replacingOccurrences(of: "Credential=", with: "Credential=\u{e9}"),
            value.replacingOccurrences(of: "aws4_request", with: "aws4_r\u{e9}quest"),
            "AWS4-HMAC-SHA256 Credential", "Bearer token", "", value + ",", value + ", Extra=1",
        ]
        let verifier = SigningFixture.verifier()
        for variant in variants {
            var request = signed
            request.headers[index].value = variant
            let asText = verifier.verify(request, bodySHA256Hex: nil, now: now)
            let lent = request.withBorrowedForm { verifier.verify($0, bodySHA256Hex: nil, now: now) }
            #expect(lent.failureKind == asText.failureKind, "\(variant)")
            if case .failure(let textError) = asText, case .failure(let lentError) = lent {
                #expect(lentError.message == textError.message, "\(variant)")
            }
        }
        let caller = try signed.withBorrowedForm { try verifier.verify($0, bodySHA256Hex: nil, now: now).get() }
        #expect(caller.accessKeyID == SigningFixture.accessKeyID)
    }

    /// The timestamp read from a header's bytes is the one read from its text, for good and bad values alike.
    @Test func timestampFromBytesMatchesTimestampFromText() {
        for text in [
            "20150830T123600Z", "20000229T000000Z", "99991231T235959Z", "19700101T000000Z", "20150830T123600",
            "20150830t123600Z", "2015083OT123600Z", "20150230T123600Z", "20150830T243600Z", "20150830T123600ZZ", "",
        ] {
            let fromBytes = UTF8Bytes.with(text) { AmzTimestamp(basic: $0) }
            #expect(fromBytes == AmzTimestamp(basic: text), "\(text)")
            #expect(fromBytes?.basic == (fromBytes == nil ? nil : text), "\(text)")
        }
        let signed = AmzTimestamp(epochSeconds: now)
        #expect(signed.basic == "20150830T123600Z")
        #expect(signed.date.equals("20150830"))
    }
}
