import SigV4

/// A SigV4 access key and who it stands for.
public struct ConfiguredIdentity: Sendable {
    public let credentials: SigV4Identity
    public let principalARN: String
    public let tags: [String: String]

    public init(credentials: SigV4Identity, principalARN: String, tags: [String: String]) {
        self.credentials = credentials
        self.principalARN = principalARN
        self.tags = tags
    }

    /// The 12-digit account of the principal ARN (`arn:aws:iam::ACCOUNT:...`).
    public var account: String? {
        let parts = principalARN.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 4 && !parts[4].isEmpty ? String(parts[4]) : nil
    }
}
