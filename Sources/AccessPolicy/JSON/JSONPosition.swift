/// Where a JSON value starts in the policy text (1-based line and column, columns counted in UTF-8 bytes).
///
/// Kept on every parsed value so that `gatehouse validate` can report `FILE:LINE:COLUMN: message` for a
/// policy problem instead of leaving the user to hunt through the document.
public struct JSONPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}
