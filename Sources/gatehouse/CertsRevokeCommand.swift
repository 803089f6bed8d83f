import ArgumentParser
import GatehousePKI

/// `gatehouse certs revoke`: lists certificates in a CRL signed by their CA (creating or extending the file).
struct CertsRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Add certificates to a PEM CRL signed by the CA in a folder written by 'certs init'."
    )

    @Option(name: .long, help: "Folder holding ca.pem and ca-key.pem.")
    var ca: String

    @Option(name: .long, help: "The CRL file to create or extend (PEM).")
    var crl: String

    @Argument(help: "PEM certificate files to revoke.")
    var certificates: [String] = []

    func run() throws {
        try CertsFailure.run {
            let list = try DevPKI().revoke(caDirectory: self.ca, crlPath: self.crl, certificatePaths: self.certificates)
            print("\(self.crl): \(list.revokedSerialNumbers.count) revoked")
        }
    }
}
