import ArgumentParser

/// `gatehouse certs`: the development PKI (init) plus helpers for tests and operators (issue, revoke).
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Development PKI.",
        subcommands: [CertsInitCommand.self, CertsIssueCommand.self, CertsRevokeCommand.self]
    )
}
