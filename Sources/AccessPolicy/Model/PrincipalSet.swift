/// The callers named by a `Principal` or `NotPrincipal` element, in the forms API Gateway accepts.
///
/// `"*"` (or `{"AWS": "*"}`) is everyone, anonymous callers included. An account id `123456789012`, or
/// `arn:aws:iam::123456789012:root`, is every principal of that account. Any other ARN must equal the caller's
/// ARN; an IAM role ARN also covers that role's STS sessions (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
/// Anonymous callers match only `*`.
struct PrincipalSet: Sendable {
    let everyone: Bool
    let accounts: Set<String>
    let arns: Set<String>

    func contains(_ principal: String?) -> Bool {
        if everyone { return true }
        guard let principal else { return false }
        if arns.contains(principal) { return true }
        guard let parts = ARNComponents.split(principal) else { return false }
        if !accounts.isEmpty, accounts.contains(String(parts[4])) { return true }
        if parts[2] == "sts", parts[5].hasPrefix("assumed-role/") {
            let session = parts[5].dropFirst("assumed-role/".count)
            if let slash = session.firstIndex(of: "/") {
                let role = "arn:\(parts[1]):iam::\(parts[4]):role/\(session[..<slash])"
                return arns.contains(role)
            }
        }
        return false
    }
}
