import Foundation
import Yams

/// The state of one configuration load: where the file is, the environment, and the problems found so far.
///
/// Readers report every problem here and carry on, so a user sees all problems at once. Not shared across threads:
/// one load creates, fills and drops it.
final class LoadContext {
    /// The configuration file as named by the user (used in every problem).
    let file: String
    /// Folder that relative paths are resolved against.
    let baseDirectory: String
    let environment: [String: String]
    private(set) var problems: [ConfigurationProblem] = []

    init(file: String, baseDirectory: String, environment: [String: String]) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.environment = environment
    }

    /// Position of a node in the configuration file (the file alone when the node is unknown).
    func location(of node: Node?) -> SourceLocation {
        guard let mark = node?.mark else {
            return SourceLocation(file: file)
        }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    func report(_ message: String, at node: Node?) {
        report(message, at: location(of: node))
    }

    func report(_ message: String, at location: SourceLocation) {
        problems.append(ConfigurationProblem(location: location, message: message))
    }

    /// Problems sorted by position (stable for equal positions), so output reads top to bottom.
    var sortedProblems: [ConfigurationProblem] {
        problems.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }

    /// Resolves a path from the configuration against the configuration's folder.
    func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") {
            return path
        }
        let base = baseDirectory.hasSuffix("/") ? String(baseDirectory.dropLast()) : baseDirectory
        return base.isEmpty ? path : base + "/" + path
    }
}
