/// The outcome of evaluating a resource policy for one request, with the statement that decided it.
///
/// `statement` is the deciding statement's `Sid`, or `statement N` (1-based) when it has none, so the
/// gateway's logs and `policy simulate` can point at the line that allowed or denied.
public enum PolicyDecision: Sendable, Equatable, CustomStringConvertible {
    /// An Allow statement matched and no Deny did.
    case allow(statement: String)
    /// A Deny statement matched (it wins over any Allow).
    case explicitDeny(statement: String)
    /// No statement matched: IAM's default deny.
    case implicitDeny

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    /// `ALLOW Sid`, `DENY Sid` or `DENY implicit deny`: the `policy simulate` output line.
    public var description: String {
        switch self {
        case .allow(let statement): "ALLOW \(statement)"
        case .explicitDeny(let statement): "DENY \(statement)"
        case .implicitDeny: "DENY implicit deny"
        }
    }
}
