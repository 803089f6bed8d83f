import ArgumentParser
import Foundation
import GatehouseConfig
import GatehouseCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration and the files it names; print `ok` or one line per problem.")

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    func run() throws {
        let result = ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
            .flatMap { SnapshotBuilder.build($0) }
        switch result {
        case .success:
            print("ok")
        case .failure(let problems):
            for problem in problems.problems {
                FileHandle.standardError.write(Data((problem.description + "\n").utf8))
            }
            throw ExitCode(1)
        }
    }
}
