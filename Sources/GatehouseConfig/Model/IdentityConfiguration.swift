/// A SigV4 access key and the principal it authenticates.
///
/// `description` never shows the secret access key or the session token.
public struct IdentityConfiguration: Hashable, Sendable, CustomStringConvertible {
    public let accessKeyID: String
    /// The secret access key (from `secret_access_key_file`, trailing newline removed, or `secret_access_key_env`).
    public let secretAccessKey: SecretValue
    /// The principal ARN (`aws:PrincipalArn`).
    public let principal: String
    /// The account in the principal ARN (`aws:PrincipalAccount`), when the ARN names one.
    public let principalAccount: String?
    /// When set, requests must carry it as `X-Amz-Security-Token`.
    public let sessionToken: SecretValue?
    /// `aws:PrincipalTag/KEY` values.
    public let tags: [String: String]
    /// Position of the identity's mapping.
    public let location: SourceLocation

    public init(
        accessKeyID: String,
        secretAccessKey: SecretValue,
        principal: String,
        principalAccount: String?,
        sessionToken: SecretValue?,
        tags: [String: String],
        location: SourceLocation
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.principal = principal
        self.principalAccount = principalAccount
        self.sessionToken = sessionToken
        self.tags = tags
        self.location = location
    }

    public var description: String {
        "identity \(accessKeyID) (\(principal)), secret <redacted>"
            + (sessionToken == nil ? "" : ", session token <redacted>")
    }
}
