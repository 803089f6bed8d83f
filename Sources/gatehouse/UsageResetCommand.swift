import ArgumentParser
import Foundation
import GatehouseCore

struct UsageResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Set a consumer's count of a plan to zero for the current period.")

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    @Option(name: .long, help: "The usage plan.")
    var plan: String

    @Option(name: .long, help: "The consumer.")
    var consumer: String

    func run() async throws {
        try StateOutput.finish(
            await StateAdministration.reset(
                configPath: config, environment: ProcessInfo.processInfo.environment, plan: plan,
                consumer: consumer))
    }
}
