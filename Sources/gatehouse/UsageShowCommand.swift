import ArgumentParser
import Foundation
import GatehouseCore

struct UsageShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print each consumer's use and remaining quota for the current period.")

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    @Option(name: .long, help: "Only this usage plan.")
    var plan: String?

    @Option(name: .long, help: "Only this consumer.")
    var consumer: String?

    @Flag(name: .long, help: "JSON, as GET /usage on the admin listener.")
    var json = false

    func run() async throws {
        try StateOutput.finish(
            await StateAdministration.show(
                configPath: config, environment: ProcessInfo.processInfo.environment, plan: plan,
                consumer: consumer, json: json))
    }
}
