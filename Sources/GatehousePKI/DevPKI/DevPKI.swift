import Foundation
import SwiftASN1
import X509

/// The development PKI behind `gatehouse certs`: a CA, a server certificate and client certificates written as PEM
/// files that curl, OpenSSL and NIOSSL read, plus issuing further leaves and revoking them in a CRL.
///
/// The command-line layer only parses arguments into these calls, so tests exercise exactly what operators run.
public struct DevPKI: Sendable {
    /// A client certificate to write: `clients/NAME.pem` with CN=NAME and, when given, one URI SAN.
    public struct Client: Sendable, Hashable {
        public var name: String
        public var uri: String?

        public init(name: String, uri: String? = nil) {
            self.name = name
            self.uri = uri
        }

        /// Parses the command-line form `NAME` or `NAME=URI`.
        public init(argument: String) throws {
            if let equals = argument.firstIndex(of: "=") {
                self.name = String(argument[..<equals])
                let uri = String(argument[argument.index(after: equals)...])
                guard !uri.isEmpty else {
                    throw PKIError.invalidArgument("The client \"\(argument)\" has an empty URI after '='.")
                }
                self.uri = uri
            } else {
                self.name = argument
                self.uri = nil
            }
        }
    }

    /// The clock; tests pass a fixed time.
    public var now: Date

    public init(now: Date = Date()) {
        self.now = now
    }

    /// Writes `ca.pem`, `ca-key.pem`, `server.pem`, `server-key.pem` and `clients/NAME.pem` +
    /// `clients/NAME-key.pem` for each client into `directory`.
    ///
    /// Without `force`, fails naming the first file that already exists, before writing any.
    /// - Returns: the paths written, in order.
    @discardableResult
    public func initialize(
        directory: String,
        clients: [Client] = [],
        serverNames: [String] = [],
        force: Bool = false
    ) throws -> [String] {
        var seen = Set<String>()
        for client in clients {
            try Self.checkName(client.name)
            guard seen.insert(client.name).inserted else {
                throw PKIError.invalidArgument("The client name \"\(client.name)\" is given more than once.")
            }
        }
        for name in serverNames where name.isEmpty || name.contains(where: { $0.isWhitespace }) {
            throw PKIError.invalidArgument("The server name \"\(name)\" is not a DNS name or IP address.")
        }
        let ca = try CertificateAuthority.makeRoot(now: self.now)
        let server = try ca.issueLeaf(.server(extraNames: serverNames), now: self.now)
        var files = [
            PKIFileWriter.File(path: Self.join(directory, "ca.pem"), contents: try ca.certificatePEM(), mode: 0o644),
            PKIFileWriter.File(path: Self.join(directory, "ca-key.pem"), contents: try ca.privateKeyPEM(), mode: 0o600),
            PKIFileWriter.File(
                path: Self.join(directory, "server.pem"), contents: try server.certificatePEM(), mode: 0o644
            ),
            PKIFileWriter.File(
                path: Self.join(directory, "server-key.pem"), contents: server.privateKeyPEM, mode: 0o600),
        ]
        for client in clients {
            let issued = try ca.issueLeaf(.client(client.name, uri: client.uri), now: self.now)
            files.append(
                PKIFileWriter.File(
                    path: Self.join(directory, "clients/\(client.name).pem"),
                    contents: try issued.certificatePEM(),
                    mode: 0o644
                )
            )
            files.append(
                PKIFileWriter.File(
                    path: Self.join(directory, "clients/\(client.name)-key.pem"),
                    contents: issued.privateKeyPEM,
                    mode: 0o600
                )
            )
        }
        try PKIFileWriter(overwrite: force).save(files)
        return files.map(\.path)
    }

    /// Issues one more leaf from the CA in `caDirectory` (`ca.pem`, `ca-key.pem`) and writes `NAME.pem` +
    /// `NAME-key.pem` into `directory`.
    @discardableResult
    public func issue(
        caDirectory: String,
        directory: String,
        name: String,
        profile: LeafProfile,
        force: Bool = false
    ) throws -> [String] {
        try Self.checkName(name)
        let ca = try CertificateAuthority(directory: caDirectory)
        let issued = try ca.issueLeaf(profile, now: self.now)
        let files = [
            PKIFileWriter.File(
                path: Self.join(directory, "\(name).pem"), contents: try issued.certificatePEM(), mode: 0o644),
            PKIFileWriter.File(
                path: Self.join(directory, "\(name)-key.pem"), contents: issued.privateKeyPEM, mode: 0o600),
        ]
        try PKIFileWriter(overwrite: force).save(files)
        return files.map(\.path)
    }

    /// Adds the serial numbers of `certificatePaths` (each the first certificate of a PEM file, issued by the CA in
    /// `caDirectory`) to the CRL at `crlPath`, creating it when absent, and rewrites it signed by that CA.
    ///
    /// An existing CRL must be one this CA signed; its entries are kept.
    @discardableResult
    public func revoke(caDirectory: String, crlPath: String, certificatePaths: [String]) throws
        -> CertificateRevocationList
    {
        let ca = try CertificateAuthority(directory: caDirectory)
        var serials: [Certificate.SerialNumber] = []
        var lastNumber: UInt64 = 0
        if FileManager.default.fileExists(atPath: crlPath) {
            let existing = try CertificateRevocationList.parseAll(pem: try Self.read(crlPath), source: crlPath)
            for crl in existing {
                guard crl.isSigned(by: ca.certificate) else {
                    throw PKIError.untrustedCRL(crlPath, issuer: crl.issuer.description)
                }
                serials += crl.revokedSerialNumbers
                if let number = crl.crlNumber, number.count <= 8 {
                    lastNumber = max(lastNumber, number.reduce(0) { $0 << 8 | UInt64($1) })
                }
            }
        }
        for path in certificatePaths {
            let certificate = try Self.firstCertificate(in: try Self.read(path), source: path)
            guard certificate.issuer == ca.certificate.subject,
                ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
            else {
                throw PKIError.invalidArgument(
                    "\(path) was not issued by the CA in \(caDirectory), so its CRL cannot revoke it."
                )
            }
            serials.append(certificate.serialNumber)
        }
        let timeNumber = UInt64(max(0, self.now.timeIntervalSince1970))
        let crl = try ca.makeCRL(revoking: serials, now: self.now, crlNumber: max(timeNumber, lastNumber + 1))
        try PKIFileWriter(overwrite: true).save([
            PKIFileWriter.File(path: crlPath, contents: crl.pemString + "\n", mode: 0o644)
        ])
        return crl
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            throw PKIError.fileUnreadable(path, reason)
        }
    }

    static func firstCertificate(in pem: String, source: String) throws -> Certificate {
        guard let first = try PEMBundle.certificates(in: pem, source: source).first else {
            throw PKIError.invalidPEM(source, "it holds no CERTIFICATE block")
        }
        return first
    }

    /// Names become file names: letters, digits, '.', '_' and '-', not starting with '.' or '-'.
    private static func checkName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "._-".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, allowed, !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw PKIError.invalidArgument(
                "The name \"\(name)\" must be letters, digits, '.', '_' or '-' (it becomes a file name)."
            )
        }
    }
}
