import Crypto
import Foundation
import Testing
import X509

@testable import GatehousePKI

@Suite("Client identity and X-Forwarded-Client-Cert")
struct ClientIdentityTests {
    let pki: TestPKI

    init() throws {
        self.pki = try TestPKI()
    }

    @Test func xfccCarriesHashSubjectURIsAndDNSNames() throws {
        let leaf = try self.pki.root.issueLeaf(
            LeafProfile(
                commonName: "orders",
                organizationalUnit: "svc",
                dnsNames: ["orders.internal", "orders.svc"],
                uris: ["spiffe://corp.internal/a", "spiffe://corp.internal/b"]
            ),
            now: self.pki.now
        )
        let der = try leaf.chainDER()[0]
        let identity = try ClientIdentity(leafDER: der)
        let hash = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        #expect(identity.sha256Hex == hash)
        #expect(identity.subject == "CN=orders,OU=svc")
        #expect(
            identity.xForwardedClientCert
                == "Hash=\(hash);Subject=\"CN=orders,OU=svc\";URI=spiffe://corp.internal/a;"
                + "URI=spiffe://corp.internal/b;DNS=orders.internal;DNS=orders.svc"
        )
    }

    @Test func xfccOmitsAbsentSANs() throws {
        let der = try self.pki.client("bob").chainDER()[0]
        let identity = try ClientIdentity(leafDER: der)
        #expect(identity.xForwardedClientCert == "Hash=\(identity.sha256Hex);Subject=\"CN=bob\"")
        #expect(identity.uris.isEmpty && identity.dnsNames.isEmpty)
    }

    @Test func subjectIsEscapedPerRFC4514AndQuotesPerEnvoy() throws {
        let leaf = try self.pki.root.issueLeaf(
            LeafProfile(commonName: "say \"hi\", ok", uris: ["urn:x;y=1"]),
            now: self.pki.now
        )
        let identity = try ClientIdentity(leafDER: try leaf.chainDER()[0])
        #expect(identity.subject == #"CN=say \"hi\"\, ok"#)
        #expect(identity.xForwardedClientCert.hasSuffix(#";Subject="CN=say \"hi\"\, ok";URI="urn:x;y=1""#))
    }

    @Test func formatsDistinguishedNamesLikeRFC4514() throws {
        let name = try DistinguishedName {
            CountryName("US")
            OrganizationName("Example")
            CommonName(" #lead")
        }
        #expect(DistinguishedNameFormatter.format(name) == #"CN=\ #lead,O=Example,C=US"#)
        #expect(DistinguishedNameFormatter.escape("a\nb") == #"a\0ab"#)
        #expect(DistinguishedNameFormatter.escape("trail ") == #"trail\ "#)
    }

    @Test func matchesOpenSSLFingerprint() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let leaf = try self.pki.client("alice")
        try leaf.certificatePEM().write(toFile: "\(dir)/a.pem", atomically: true, encoding: .utf8)
        let run = try runTool(
            "/usr/bin/openssl", ["x509", "-in", "\(dir)/a.pem", "-noout", "-fingerprint", "-sha256"])
        #expect(run.status == 0, "\(run.output)")
        let fingerprint = run.output.split(separator: "=").last.map {
            $0.replacingOccurrences(of: ":", with: "").lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(fingerprint == (try ClientIdentity(leafDER: try leaf.chainDER()[0])).sha256Hex)
    }

    @Test func rejectsGarbage() {
        #expect(throws: ClientCertificateRejection.self) { try ClientIdentity(leafDER: [1, 2, 3]) }
    }
}
