import ArgumentParser
import Foundation
import GatehouseCore

struct StateMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or migrate the state store's schema without serving.")

    @Option(name: .long, help: "The configuration file (YAML); its `state:` section names the store.")
    var config: String

    func run() async throws {
        try StateOutput.finish(
            await StateAdministration.migrate(configPath: config, environment: ProcessInfo.processInfo.environment))
    }
}
