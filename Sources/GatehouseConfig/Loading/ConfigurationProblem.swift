/// One thing wrong with a configuration, with the position of the offending YAML node when known.
public struct ConfigurationProblem: Hashable, Sendable, CustomStringConvertible {
    /// The file as the user named it.
    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column, when known.
    public let column: Int?
    /// A readable sentence naming the field and what is wrong. Never contains secret values.
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// Creates a problem at a known source location (for problems found after loading, e.g. a policy that fails to
    /// parse or a key that does not load).
    public init(location: SourceLocation, message: String) {
        self.init(file: location.file, line: location.line, column: location.column, message: message)
    }

    /// The location part of the problem.
    public var location: SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// `FILE:LINE:COLUMN: message`, or `FILE: message` when no position is known, as `gatehouse validate` prints it.
    public var description: String {
        "\(location): \(message)"
    }
}
