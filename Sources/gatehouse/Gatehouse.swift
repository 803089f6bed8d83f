import ArgumentParser

/// The `gatehouse` command: each subcommand lives in its own file and only maps arguments to library calls.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Private API gateway and mutual-TLS sidecar.",
        subcommands: [
            ServeCommand.self, ValidateCommand.self, CertsCommand.self, PolicyCommand.self, VersionCommand.self,
            StateCommand.self, UsageCommand.self,
        ]
    )
}
