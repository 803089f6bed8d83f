import Foundation
import X509

@testable import GatehousePKI

/// Certificates made at test time with the module's own PKI code.
struct TestPKI {
    let now = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28
    let root: CertificateAuthority

    init() throws {
        self.root = try CertificateAuthority.makeRoot(now: self.now)
    }

    var rootPEM: String {
        get throws { try self.root.certificatePEM() }
    }

    func client(
        _ name: String = "alice",
        uri: String? = nil,
        from ca: CertificateAuthority? = nil
    ) throws -> IssuedCertificate {
        try (ca ?? self.root).issueLeaf(.client(name, uri: uri), now: self.now)
    }

    func policy(
        anchors: [CertificateAuthority]? = nil,
        crls: [CertificateRevocationList]? = nil,
        allowed: [String] = []
    ) throws -> ClientCertificatePolicy {
        let pem = try (anchors ?? [self.root]).map { try $0.certificatePEM() }.joined()
        return try ClientCertificatePolicy(
            trustRootsPEM: pem,
            crlPEM: crls.map { $0.map { $0.pemString + "\n" }.joined() },
            allowedClients: allowed
        )
    }
}

/// A fresh temporary folder, removed by the caller.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "gatehouse-pki-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A program a test compares against is not installed: the test fails saying so (`scripts/setup` installs it),
/// rather than passing without checking anything.
struct MissingTool: Error, CustomStringConvertible {
    var path: String
    var description: String {
        "\(path) is not installed (run scripts/setup): this test cannot check anything without it"
    }
}

/// Runs a program, returning its exit status and combined output; throws `MissingTool` when it is not installed.
func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingTool(path: path) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

extension Result {
    var failureReason: String? {
        if case .failure(let error as ClientCertificateRejection) = self { return error.reason }
        return nil
    }

    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
