import ArgumentParser

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "certs", abstract: "Development PKI.", subcommands: [])
}
