import Foundation
import Yams

/// Loads a Gatehouse configuration file into a validated, immutable `GatewayConfiguration`, or every problem found.
///
/// Used by `gatehouse validate`, `serve` and reload. The environment is a parameter (not read from the process) so
/// `${NAME}` expansion is testable and reload sees exactly the environment the caller chooses.
public enum ConfigurationLoader {
    /// Reads and validates the file at `path`. Relative paths inside it are resolved against its folder.
    public static func load(path: String, environment: [String: String]) -> Result<
        GatewayConfiguration, ConfigurationProblems
    > {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            return .failure(ConfigurationProblems([ConfigurationProblem(file: path, message: "file \(reason)")]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(
                ConfigurationProblems([ConfigurationProblem(file: path, message: "file is not UTF-8 text")]))
        }
        let folder = (path as NSString).deletingLastPathComponent
        let absoluteFolder: String
        if folder.hasPrefix("/") {
            absoluteFolder = folder
        } else {
            let current = FileManager.default.currentDirectoryPath
            absoluteFolder = folder.isEmpty ? current : current + "/" + folder
        }
        return load(text: text, file: path, baseDirectory: absoluteFolder, environment: environment)
    }

    /// Validates configuration text as if read from `file`; relative paths resolve against `baseDirectory`.
    /// For tests and tools that hold the text already.
    public static func load(
        text: String,
        file: String,
        baseDirectory: String,
        environment: [String: String]
    ) -> Result<GatewayConfiguration, ConfigurationProblems> {
        let context = LoadContext(file: file, baseDirectory: baseDirectory, environment: environment)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                return .failure(ConfigurationProblems([ConfigurationProblem(file: file, message: "file is empty")]))
            }
            root = composed
        } catch let error as YamlError {
            return .failure(ConfigurationProblems([problem(from: error, file: file)]))
        } catch {
            return .failure(ConfigurationProblems([ConfigurationProblem(file: file, message: "\(error)")]))
        }
        let configuration = GatewayConfigurationReader(context: context).read(root)
        if let configuration, context.problems.isEmpty {
            return .success(configuration)
        }
        return .failure(ConfigurationProblems(context.sortedProblems))
    }

    /// A YAML syntax error as a positioned problem.
    static func problem(from error: YamlError, file: String) -> ConfigurationProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text))"
            }
            return ConfigurationProblem(file: file, line: mark.line, column: mark.column, message: message)
        case .reader(let problem, _, _, _):
            return ConfigurationProblem(file: file, message: "invalid YAML: \(problem)")
        default:
            return ConfigurationProblem(file: file, message: "invalid YAML: \(error)")
        }
    }
}
