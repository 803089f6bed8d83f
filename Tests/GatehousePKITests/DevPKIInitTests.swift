import Foundation
import Testing
import X509

@testable import GatehousePKI

@Suite("certs init")
struct DevPKIInitTests {
    @Test func writesTheContractFileSetWithModes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = try DevPKI().initialize(
            directory: dir,
            clients: [DevPKI.Client(name: "alice", uri: "spiffe://corp.internal/ns/prod/alice"), .init(name: "bob")],
            serverNames: ["gw.internal", "10.0.0.7"]
        )
        let expected = [
            "ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "clients/alice.pem", "clients/alice-key.pem",
            "clients/bob.pem", "clients/bob-key.pem",
        ]
        #expect(written == expected.map { "\(dir)/\($0)" })
        for name in expected {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(name)")
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == (name.hasSuffix("-key.pem") ? 0o600 : 0o644), "\(name)")
        }
        let key = try String(contentsOfFile: "\(dir)/server-key.pem", encoding: .utf8)
        #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test func certificatesHaveTheContractContents() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DevPKI().initialize(
            directory: dir,
            clients: [DevPKI.Client(name: "alice", uri: "spiffe://corp.internal/ns/prod/alice")],
            serverNames: ["gw.internal"]
        )
        let ca = try Certificate(pemEncoded: try String(contentsOfFile: "\(dir)/ca.pem", encoding: .utf8))
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        #expect(ca.notValidAfter.timeIntervalSince(ca.notValidBefore) > 9 * 365 * 86400)

        let server = try Certificate(pemEncoded: try String(contentsOfFile: "\(dir)/server.pem", encoding: .utf8))
        let sans = try #require(try server.extensions.subjectAlternativeNames)
        #expect(sans.contains(.dnsName("localhost")))
        #expect(sans.contains(.dnsName("gw.internal")))
        #expect(sans.contains(.ipAddress(.init(contentBytes: [127, 0, 0, 1]))))
        #expect(sans.contains(.ipAddress(.init(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))))
        #expect(try server.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
        #expect(server.issuer == ca.subject)
        #expect(ca.publicKey.isValidSignature(server.signature, for: server))

        let alice = try Certificate(
            pemEncoded: try String(contentsOfFile: "\(dir)/clients/alice.pem", encoding: .utf8)
        )
        #expect(alice.subject.description == "CN=alice")
        #expect(
            try alice.extensions.subjectAlternativeNames?.first
                == .uniformResourceIdentifier(
                    "spiffe://corp.internal/ns/prod/alice"))
        #expect(try alice.extensions.extendedKeyUsage == ExtendedKeyUsage([.clientAuth]))
        #expect(
            try alice.extensions.authorityKeyIdentifier?.keyIdentifier
                == ca.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(alice.serialNumber != server.serialNumber)
        let key = try Certificate.PrivateKey(
            pemEncoded: try String(contentsOfFile: "\(dir)/clients/alice-key.pem", encoding: .utf8)
        )
        #expect(key.publicKey == alice.publicKey)
    }

    @Test func refusesToOverwriteAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/clients", withIntermediateDirectories: true)
        try "keep".write(toFile: "\(dir)/clients/bob-key.pem", atomically: true, encoding: .utf8)
        #expect(throws: PKIError.fileExists("\(dir)/clients/bob-key.pem")) {
            try DevPKI().initialize(directory: dir, clients: [.init(name: "bob")])
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/ca.pem"))
        #expect(try String(contentsOfFile: "\(dir)/clients/bob-key.pem", encoding: .utf8) == "keep")
    }

    @Test func forceOverwritesWithFreshKeys() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DevPKI().initialize(directory: dir)
        let before = try String(contentsOfFile: "\(dir)/ca-key.pem", encoding: .utf8)
        #expect(throws: PKIError.fileExists("\(dir)/ca.pem")) { try DevPKI().initialize(directory: dir) }
        try DevPKI().initialize(directory: dir, force: true)
        #expect(try String(contentsOfFile: "\(dir)/ca-key.pem", encoding: .utf8) != before)
        let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/ca-key.pem")[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
    }

    @Test(arguments: ["", "../evil", ".hidden", "a b", "-x"])
    func rejectsUnsafeClientNames(_ name: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: PKIError.self) { try DevPKI().initialize(directory: dir, clients: [.init(name: name)]) }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/ca.pem"))
    }

    @Test func rejectsDuplicateClientsAndEmptyURI() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: PKIError.self) {
            try DevPKI().initialize(directory: dir, clients: [.init(name: "a"), .init(name: "a")])
        }
        #expect(throws: PKIError.self) { try DevPKI.Client(argument: "a=") }
        #expect(try DevPKI.Client(argument: "a=spiffe://x/y=z") == .init(name: "a", uri: "spiffe://x/y=z"))
    }

    @Test func openSSLReadsAndVerifiesTheOutputs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DevPKI().initialize(directory: dir, clients: [.init(name: "alice")])
        let x509 = try runTool("/usr/bin/openssl", ["x509", "-in", "\(dir)/server.pem", "-noout", "-text"])
        #expect(x509.status == 0)
        #expect(x509.output.contains("TLS Web Server Authentication"))
        #expect(x509.output.contains("IP Address:127.0.0.1"))
        let key = try runTool("/usr/bin/openssl", ["pkey", "-in", "\(dir)/clients/alice-key.pem", "-noout"])
        #expect(key.status == 0)
        let server = try runTool(
            "/usr/bin/openssl", ["verify", "-purpose", "sslserver", "-CAfile", "\(dir)/ca.pem", "\(dir)/server.pem"])
        #expect(server.status == 0, "\(server.output)")
        let client = try runTool(
            "/usr/bin/openssl",
            ["verify", "-purpose", "sslclient", "-CAfile", "\(dir)/ca.pem", "\(dir)/clients/alice.pem"])
        #expect(client.status == 0, "\(client.output)")
    }
}
