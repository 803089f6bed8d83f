/// A caller's credentials as the gateway knows them, returned by the verifier's lookup for an access key id.
/// The extra fields are not used by SigV4; they ride along to `VerifiedCaller` for the resource policy.
public struct SigV4Identity: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// When set, requests must carry exactly this `X-Amz-Security-Token`; when nil, they must carry none.
    public var sessionToken: String?
    /// The principal the policy sees (`aws:PrincipalArn`), if configured.
    public var principalARN: String?
    /// The account (`aws:PrincipalAccount`), if configured.
    public var accountID: String?
    /// Principal tags (`aws:PrincipalTag/KEY`).
    public var tags: [String: String]

    public init(
        accessKeyID: String,
        secretAccessKey: String,
        sessionToken: String? = nil,
        principalARN: String? = nil,
        accountID: String? = nil,
        tags: [String: String] = [:]
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.principalARN = principalARN
        self.accountID = accountID
        self.tags = tags
    }

    /// Never prints the secret or the token, so an identity can be logged safely.
    public var description: String {
        "SigV4Identity(accessKeyID: \(accessKeyID), sessionToken: \(sessionToken == nil ? "none" : "set"))"
    }
}
