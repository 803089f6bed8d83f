import ArgumentParser
import GatehousePKI

/// `gatehouse certs init`: writes a development CA, server certificate and client certificates.
struct CertsInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a development PKI: CA, server certificate and client certificates (ECDSA P-256, PEM)."
    )

    @Option(name: .long, help: "Folder to write into (created when missing).")
    var out: String

    @Option(name: .customLong("client"), help: "A client certificate NAME, or NAME=URI to add a URI SAN (repeatable).")
    var clients: [String] = []

    @Option(name: .customLong("server-name"), help: "An extra DNS name or IP address for the server certificate.")
    var serverNames: [String] = []

    @Flag(name: .long, help: "Overwrite existing files.")
    var force = false

    func run() throws {
        try CertsFailure.run {
            let clients = try self.clients.map { try DevPKI.Client(argument: $0) }
            let written = try DevPKI().initialize(
                directory: self.out,
                clients: clients,
                serverNames: self.serverNames,
                force: self.force
            )
            for path in written { print(path) }
        }
    }
}
