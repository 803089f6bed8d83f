import ArgumentParser
import Foundation
import GatehousePKI

/// `gatehouse certs issue`: issues one more client (or server) certificate from an existing CA folder.
struct CertsIssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a certificate from the CA in a folder written by 'certs init' (NAME.pem + NAME-key.pem)."
    )

    @Option(name: .long, help: "Folder holding ca.pem and ca-key.pem.")
    var ca: String

    @Option(name: .long, help: "Folder to write NAME.pem and NAME-key.pem into.")
    var out: String

    @Option(name: .long, help: "Subject CN and file name.")
    var name: String

    @Option(name: .customLong("uri"), help: "A URI SAN (repeatable).")
    var uris: [String] = []

    @Option(name: .customLong("dns"), help: "A DNS SAN (repeatable).")
    var dnsNames: [String] = []

    @Option(name: .customLong("ip"), help: "An IP address SAN (repeatable).")
    var ipAddresses: [String] = []

    @Option(name: .customLong("ou"), help: "An organizational unit (OU) in the subject.")
    var organizationalUnit: String?

    @Option(name: .customLong("not-before"), help: "Start of validity, ISO 8601 (e.g. 2020-01-01T00:00:00Z).")
    var notBefore: String?

    @Option(name: .customLong("not-after"), help: "End of validity, ISO 8601.")
    var notAfter: String?

    @Flag(name: .long, help: "Issue a server certificate (EKU serverAuth) instead of a client one (clientAuth).")
    var server = false

    @Flag(name: .long, help: "Overwrite existing files.")
    var force = false

    func run() throws {
        try CertsFailure.run {
            let profile = LeafProfile(
                commonName: self.name,
                organizationalUnit: self.organizationalUnit,
                dnsNames: self.dnsNames,
                ipAddresses: self.ipAddresses,
                uris: self.uris,
                usage: self.server ? .server : .client,
                notBefore: try self.notBefore.map { try Self.date($0, option: "--not-before") },
                notAfter: try self.notAfter.map { try Self.date($0, option: "--not-after") }
            )
            let written = try DevPKI().issue(
                caDirectory: self.ca,
                directory: self.out,
                name: self.name,
                profile: profile,
                force: self.force
            )
            for path in written { print(path) }
        }
    }

    private static func date(_ text: String, option: String) throws -> Date {
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw PKIError.invalidArgument(
                "\(option) \"\(text)\" is not an ISO 8601 date-time such as 2020-01-01T00:00:00Z."
            )
        }
        return date
    }
}
