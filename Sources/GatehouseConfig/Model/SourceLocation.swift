/// Where a value came from: the file and, when known, the line and column of the YAML node.
///
/// Stored beside values whose later checks (a policy that fails to parse, a key that does not load) happen outside
/// this module, so those problems can still be reported as `FILE:LINE:COLUMN: message`.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file as the user named it (the configuration path, or a file the configuration refers to).
    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column (in Unicode scalars), when known.
    public let column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN`, or `FILE` when no position is known.
    public var description: String {
        if let line, let column {
            return "\(file):\(line):\(column)"
        }
        if let line {
            return "\(file):\(line)"
        }
        return file
    }
}
