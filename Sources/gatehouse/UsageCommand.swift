import ArgumentParser

/// `gatehouse usage`: quota use per consumer, read from the state store.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Quota use per plan and consumer.",
        subcommands: [UsageShowCommand.self, UsageResetCommand.self]
    )
}
