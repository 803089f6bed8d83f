import ArgumentParser
import Foundation
import GatehouseCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway in the foreground until SIGTERM or SIGINT.")

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    func run() async throws {
        let status = await GatewayApplication(configPath: config, environment: ProcessInfo.processInfo.environment)
            .run()
        if status != 0 { throw ExitCode(status) }
    }
}
