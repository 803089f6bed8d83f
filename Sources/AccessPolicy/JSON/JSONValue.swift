/// A JSON document tree that keeps object member order, number spelling and source positions.
///
/// The policy parser works on this instead of `JSONSerialization` output because IAM policies need things
/// Foundation drops: duplicate keys must be rejected (a second `"Effect"` must not silently win), numbers
/// must keep their text (`"10"` and `10` are the same condition value), and errors need line/column.
/// It is public so a configuration loader can hand over an inline (YAML) policy without re-serialising.
public struct JSONValue: Hashable, Sendable {
    /// The shape of a value.
    public enum Kind: Hashable, Sendable {
        case null
        case bool(Bool)
        /// A number, as written (IAM compares condition values as text or parses them per operator).
        case number(String)
        case string(String)
        case array([JSONValue])
        /// Members in document order; keys are unique.
        case object([JSONMember])
    }

    public var kind: Kind
    /// Where the value starts, when it came from text.
    public var position: JSONPosition?

    public init(_ kind: Kind, position: JSONPosition? = nil) {
        self.kind = kind
        self.position = position
    }

    /// A short name of the value's type for error messages ("a string", "an array", ...).
    var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
