/// Why a resource policy could not be loaded.
///
/// A policy that cannot be understood exactly must not be loaded at all: silently ignoring an unknown element
/// or operator could turn a Deny into a no-op. Messages name the statement (`statement 2 ("DenyPost")`) and
/// carry the position of the offending JSON so `validate` can print `FILE:LINE:COLUMN: message`.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case syntax
        case invalid
    }

    private let code: Code
    /// What is wrong, without the statement prefix.
    public let reason: String
    /// The statement at fault, as `statement N` or `statement N ("Sid")` (1-based), when one is.
    public let statement: String?
    /// Where in the JSON text the problem is, when known.
    public let position: JSONPosition?

    private init(code: Code, reason: String, statement: String?, position: JSONPosition?) {
        self.code = code
        self.reason = reason
        self.statement = statement
        self.position = position
    }

    /// The JSON text itself is malformed.
    public var isSyntaxError: Bool { code == .syntax }

    /// The full message: `statement 2 ("DenyPost"): unknown condition operator "StringEqualz"`.
    public var message: String {
        if let statement { return "\(statement): \(reason)" }
        return reason
    }

    public var description: String { message }

    /// Malformed JSON text.
    static func syntax(_ reason: String, at position: JSONPosition?) -> PolicyError {
        PolicyError(code: .syntax, reason: "invalid JSON: \(reason)", statement: nil, position: position)
    }

    /// Well-formed JSON that is not a valid policy.
    static func invalid(_ reason: String, statement: String? = nil, at position: JSONPosition?) -> PolicyError {
        PolicyError(code: .invalid, reason: reason, statement: statement, position: position)
    }
}
