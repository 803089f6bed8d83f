extension PolicyParser {
    /// `"*"`, or `{"AWS": "*" | account id | ARN | [...]}`. Other principal types (Service, Federated,
    /// CanonicalUser) can never call this gateway and are rejected rather than silently never matching.
    func parsePrincipal(_ member: JSONMember) throws(PatternError) -> PrincipalSet {
        switch member.value.kind {
        case .string("*"):
            return PrincipalSet(everyone: true, accounts: [], arns: [])
        case .object(let entries):
            guard !entries.isEmpty else {
                throw PatternError("\(member.key) must not be empty", at: member.value.position)
            }
            var everyone = false
            var accounts: Set<String> = []
            var arns: Set<String> = []
            for entry in entries {
                guard entry.key == "AWS" else {
                    throw PatternError(
                        "\(member.key) type \"\(entry.key)\" is not supported (only \"AWS\" principals call APIs)",
                        at: entry.keyPosition)
                }
                for (text, position) in try strings(entry) {
                    if text == "*" {
                        everyone = true
                    } else if Self.isAccountID(text) {
                        accounts.insert(text)
                    } else if let parts = ARNComponents.split(text), parts[2] == "iam" || parts[2] == "sts",
                        parts[3].isEmpty, Self.isAccountID(String(parts[4])), !parts[5].isEmpty
                    {
                        guard !text.contains("*"), !text.contains("?") else {
                            throw PatternError(
                                "principal \"\(text)\" has a wildcard; use \"*\" with an aws:PrincipalArn condition",
                                at: position)
                        }
                        if parts[5] == "root" {
                            accounts.insert(String(parts[4]))
                        } else {
                            arns.insert(text)
                        }
                    } else {
                        throw PatternError(
                            "principal \"\(text)\" is not \"*\", a 12-digit account id or an IAM/STS ARN",
                            at: position)
                    }
                }
            }
            return PrincipalSet(everyone: everyone, accounts: accounts, arns: arns)
        default:
            throw PatternError(
                "\(member.key) must be \"*\" or an object such as {\"AWS\": \"...\"}",
                at: member.value.position)
        }
    }

    static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
