import Foundation
import Testing

@testable import GatehouseConfig

/// A temporary folder holding the files a configuration names (certificates, keys, a secret, a policy), and a
/// way to load a configuration text written into it as `gatehouse.yaml`.
struct ConfigFixture: ~Copyable {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let policyJSON =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","#
        + #""Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#

    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.path + "/gatehouse-config-tests-" + UUID().uuidString
        for path in ["certs/dev/server.pem", "certs/dev/server-key.pem", "certs/dev/ca.pem", "certs/dev/crl.pem"] {
            try write("-----BEGIN PLACEHOLDER-----\n", to: path)
        }
        try write(Self.secret + "\n", to: "certs/dev/AKIDEXAMPLE.secret")
        try write(Self.policyJSON, to: "policies/orders.json")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes a file under the fixture folder, creating intermediate folders.
    func write(_ text: String, to relativePath: String) throws {
        let path = folder + "/" + relativePath
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    var configPath: String { folder + "/gatehouse.yaml" }

    /// Writes `yaml` as `gatehouse.yaml` and loads it.
    func load(_ yaml: String, environment: [String: String] = [:]) throws -> Result<
        GatewayConfiguration, ConfigurationProblems
    > {
        try write(yaml, to: "gatehouse.yaml")
        return ConfigurationLoader.load(path: configPath, environment: environment)
    }

    /// Loads `yaml` expecting success.
    func configuration(_ yaml: String, environment: [String: String] = [:]) throws -> GatewayConfiguration {
        switch try load(yaml, environment: environment) {
        case .success(let configuration):
            return configuration
        case .failure(let problems):
            Issue.record("expected a valid configuration, got:\n\(problems)")
            throw problems
        }
    }

    /// Loads `yaml` expecting failure; returns the problems.
    func problems(_ yaml: String, environment: [String: String] = [:]) throws -> [ConfigurationProblem] {
        switch try load(yaml, environment: environment) {
        case .success:
            Issue.record("expected problems, but the configuration loaded")
            return []
        case .failure(let problems):
            return problems.problems
        }
    }
}

/// The 1-based line and column of the first occurrence of `needle` in `text` (the `nth` one when given).
func position(of needle: String, in text: String, nth: Int = 1) -> (line: Int, column: Int) {
    var count = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var searchStart = line.startIndex
        while let range = line[searchStart...].range(of: needle) {
            count += 1
            if count == nth {
                return (index + 1, line.unicodeScalars.distance(from: line.startIndex, to: range.lowerBound) + 1)
            }
            searchStart = range.upperBound
        }
    }
    Issue.record("\(needle) not found in the configuration text")
    return (0, 0)
}

extension ConfigFixture {
    /// Loads `yaml` expecting failure; returns each problem's description with the fixture folder removed, so
    /// expectations read `gatehouse.yaml:12:5: message`.
    /// (Not throwing, so a failed `#expect` shows the actual lines.)
    func problemLines(_ yaml: String, environment: [String: String] = [:]) -> [String] {
        let problems: [ConfigurationProblem]
        do {
            problems = try self.problems(yaml, environment: environment)
        } catch {
            Issue.record("could not write the configuration: \(error)")
            return []
        }
        return problems.map {
            $0.description.replacingOccurrences(of: folder + "/", with: "")
        }
    }
}

/// `gatehouse.yaml:LINE:COLUMN` of the first (or `nth`) occurrence of `needle` in `yaml`.
func at(_ needle: String, in yaml: String, nth: Int = 1) -> String {
    let found = position(of: needle, in: yaml, nth: nth)
    return "gatehouse.yaml:\(found.line):\(found.column)"
}
