import ArgumentParser
import Foundation
import GatehouseConfig
import GatehouseCore

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Resource policies.", subcommands: [SimulateCommand.self])
}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Evaluate an API's resource policy for one request exactly as `serve` would.",
        discussion:
            "Prints ALLOW or DENY with the deciding statement's Sid (or `implicit deny`). Exit 0 for ALLOW, 3 for DENY."
    )

    @Option(name: .long, help: "The configuration file (YAML).") var config: String
    @Option(name: .long, help: "The API id.") var api: String
    @Option(name: .long, help: "The caller's principal ARN, or `anonymous`.") var principal: String
    @Option(name: .long, help: "The HTTP method.") var method: String
    @Option(name: .long, help: "/STAGE/PATH") var path: String
    @Option(name: .long, help: "The caller's source address; also selects its network (aws:SourceVpce).") var sourceIP:
        String?
    @Option(name: .long, help: "A URI SAN of the client certificate.") var clientURI: [String] = []
    @Option(name: .long, help: "An extra context key, KEY=VALUE (repeatable).") var context: [String] = []

    func run() throws {
        var extra: [String: [String]] = [:]
        for item in context {
            guard let equals = item.firstIndex(of: "=") else {
                throw ValidationError("--context expects KEY=VALUE, got \"\(item)\"")
            }
            extra[String(item[..<equals]), default: []].append(String(item[item.index(after: equals)...]))
        }
        let loaded = ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        let configuration: GatewayConfiguration
        let snapshot: GatewaySnapshot
        switch loaded.flatMap({ loaded in SnapshotBuilder.build(loaded).map { (loaded, $0) } }) {
        case .success(let pair): (configuration, snapshot) = pair
        case .failure(let problems):
            FileHandle.standardError.write(Data((problems.description + "\n").utf8))
            throw ExitCode(1)
        }
        let request = PolicySimulation.Request(
            apiID: api, principal: principal, method: method, path: path, sourceIP: sourceIP, clientURIs: clientURI,
            context: extra)
        do {
            let decision = try PolicySimulation.run(configuration: configuration, snapshot: snapshot, request: request)
            print(decision.description)
            if !decision.isAllowed { throw ExitCode(3) }
        } catch let failure as PolicySimulation.Failure {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
