import ArgumentParser

/// `gatehouse state`: the quota state store.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "The quota state store (SQLite or PostgreSQL).",
        subcommands: [StateMigrateCommand.self]
    )
}
