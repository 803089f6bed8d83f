import Foundation
import Testing
import X509

@testable import GatehousePKI

@Suite("CRLs and certs issue/revoke")
struct RevocationListTests {
    let pki: TestPKI

    init() throws {
        self.pki = try TestPKI()
    }

    @Test func roundTripsAGeneratedCRL() throws {
        let alice = try self.pki.client("alice")
        let crl = try self.pki.root.makeCRL(
            revoking: [alice.certificate.serialNumber],
            now: self.pki.now,
            validity: 3600,
            crlNumber: 7
        )
        let parsed = try #require(try CertificateRevocationList.parseAll(pem: crl.pemString, source: "x").first)
        #expect(parsed.issuer == self.pki.root.certificate.subject)
        #expect(parsed.thisUpdate == self.pki.now)
        #expect(parsed.nextUpdate == self.pki.now.addingTimeInterval(3600))
        #expect(parsed.revokedSerialNumbers == [alice.certificate.serialNumber])
        #expect(parsed.crlNumber == [7])
        #expect(parsed.isSigned(by: self.pki.root.certificate))
        #expect(!parsed.isSigned(by: try CertificateAuthority.makeRoot(now: self.pki.now).certificate))
        #expect(parsed.isCurrent(at: self.pki.now.addingTimeInterval(60)))
        #expect(!parsed.isCurrent(at: self.pki.now.addingTimeInterval(7200)))
    }

    @Test func aTamperedCRLDoesNotVerify() throws {
        var der = try self.pki.root.makeCRL(revoking: [], now: self.pki.now).derBytes
        // Flip a byte inside the issuer name (well inside tbsCertList).
        der[30] ^= 0x01
        // The flipped bit keeps the DER well formed, so it parses: only the signature can catch it.
        let parsed = try CertificateRevocationList(derEncoded: der)
        #expect(!parsed.isSigned(by: self.pki.root.certificate))
    }

    @Test func rejectsGarbageAndEmptyPEM() {
        #expect(throws: (any Error).self) { try CertificateRevocationList(derEncoded: [0x30, 0x00]) }
        #expect(throws: PKIError.self) { try CertificateRevocationList.parseAll(pem: "", source: "c.pem") }
        #expect(throws: PKIError.self) {
            try CertificateRevocationList.parseAll(
                pem: "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
                source: "c.pem"
            )
        }
    }

    @Test func timesBeyond2049UseGeneralizedTime() throws {
        let future = Date(timeIntervalSince1970: 2_600_000_000)  // 2052
        let crl = try self.pki.root.makeCRL(revoking: [], now: future, validity: 86400)
        #expect(crl.thisUpdate == future)
        #expect(crl.nextUpdate == future.addingTimeInterval(86400))
    }

    @Test func parsesACRLMadeByOpenSSL() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DevPKI().initialize(directory: dir, clients: [.init(name: "bob")])
        let config = """
            [ ca ]
            default_ca = dev
            [ dev ]
            database = \(dir)/index.txt
            crlnumber = \(dir)/crlnumber
            default_md = sha256
            default_crl_days = 7
            """
        try config.write(toFile: "\(dir)/openssl.cnf", atomically: true, encoding: .utf8)
        try "".write(toFile: "\(dir)/index.txt", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: "\(dir)/crlnumber", atomically: true, encoding: .utf8)
        let common = ["-config", "\(dir)/openssl.cnf", "-keyfile", "\(dir)/ca-key.pem", "-cert", "\(dir)/ca.pem"]
        let revoke = try runTool("/usr/bin/openssl", ["ca"] + common + ["-revoke", "\(dir)/clients/bob.pem"])
        #expect(revoke.status == 0, "\(revoke.output)")
        let gen = try runTool("/usr/bin/openssl", ["ca"] + common + ["-gencrl", "-out", "\(dir)/crl.pem"])
        #expect(gen.status == 0, "\(gen.output)")

        let policy = try ClientCertificatePolicy(
            trustRootsPEM: try String(contentsOfFile: "\(dir)/ca.pem", encoding: .utf8),
            crlPEM: try String(contentsOfFile: "\(dir)/crl.pem", encoding: .utf8),
            allowedClients: []
        )
        let bob = try Certificate(pemEncoded: try String(contentsOfFile: "\(dir)/clients/bob.pem", encoding: .utf8))
        let lists = try CertificateRevocationList.parseAll(
            pem: try String(contentsOfFile: "\(dir)/crl.pem", encoding: .utf8),
            source: "crl.pem"
        )
        #expect(lists.first?.revokedSerialNumbers.contains(bob.serialNumber) == true)
        _ = policy
    }

    @Test func issueAndRevokeThroughDevPKI() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pki = DevPKI(now: self.pki.now)
        try pki.initialize(directory: dir, clients: [.init(name: "alice"), .init(name: "bob")])
        try pki.issue(
            caDirectory: dir,
            directory: "\(dir)/extra",
            name: "old",
            profile: LeafProfile(
                commonName: "old",
                notBefore: self.pki.now.addingTimeInterval(-10 * 86400),
                notAfter: self.pki.now.addingTimeInterval(-86400)
            )
        )
        #expect(throws: PKIError.fileExists("\(dir)/extra/old.pem")) {
            try pki.issue(caDirectory: dir, directory: "\(dir)/extra", name: "old", profile: .client("old"))
        }
        try pki.revoke(caDirectory: dir, crlPath: "\(dir)/crl.pem", certificatePaths: ["\(dir)/clients/bob.pem"])
        let crl = try pki.revoke(
            caDirectory: dir,
            crlPath: "\(dir)/crl.pem",
            certificatePaths: ["\(dir)/extra/old.pem"]
        )
        #expect(crl.revokedSerialNumbers.count == 2)

        func read(_ name: String) throws -> String { try String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8) }
        func chain(_ name: String) throws -> [[UInt8]] {
            try PEMBundle.certificates(in: try read(name), source: name).map { try $0.derBytes() }
        }
        let policy = try ClientCertificatePolicy(
            trustRootsPEM: try read("ca.pem"),
            crlPEM: try read("crl.pem"),
            allowedClients: []
        )
        let now = self.pki.now
        #expect(await policy.verify(chainDER: try chain("clients/alice.pem"), now: now).success != nil)
        #expect(await policy.verify(chainDER: try chain("clients/bob.pem"), now: now).failureReason == "revoked")
        #expect(await policy.verify(chainDER: try chain("extra/old.pem"), now: now).failureReason == "expired")

        let check = try runTool(
            "/usr/bin/openssl",
            [
                "verify", "-crl_check", "-CAfile", "\(dir)/ca.pem", "-CRLfile", "\(dir)/crl.pem",
                "-attime", String(Int(now.timeIntervalSince1970)), "\(dir)/clients/bob.pem",
            ]
        )
        #expect(check.status != 0)
        #expect(check.output.contains("revoked"))
    }

    @Test func revokeRefusesForeignCertificatesAndCRLs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DevPKI().initialize(directory: "\(dir)/one", clients: [.init(name: "a")])
        try DevPKI().initialize(directory: "\(dir)/two", clients: [.init(name: "b")])
        #expect(throws: PKIError.self) {
            try DevPKI().revoke(
                caDirectory: "\(dir)/one", crlPath: "\(dir)/crl.pem", certificatePaths: ["\(dir)/two/clients/b.pem"])
        }
        try DevPKI().revoke(caDirectory: "\(dir)/two", crlPath: "\(dir)/crl.pem", certificatePaths: [])
        #expect(throws: PKIError.self) {
            try DevPKI().revoke(
                caDirectory: "\(dir)/one", crlPath: "\(dir)/crl.pem", certificatePaths: ["\(dir)/one/clients/a.pem"])
        }
        #expect(throws: PKIError.fileUnreadable("\(dir)/none/ca.pem", "no such file")) {
            try DevPKI().revoke(caDirectory: "\(dir)/none", crlPath: "\(dir)/crl.pem", certificatePaths: [])
        }
    }
}
