/// Who signed a request that passed verification: what the resource policy and the access log need, without the
/// secret.
public struct VerifiedCaller: Sendable, Equatable {
    public let accessKeyID: String
    public let principalARN: String?
    public let accountID: String?
    public let tags: [String: String]
    public let algorithm: SigV4Algorithm
    /// Whether the request was presigned (query form) rather than signed in the `Authorization` header.
    public let presigned: Bool
    /// Whether the caller used temporary credentials (a session token).
    public let usedSessionToken: Bool
    /// The signing time from `X-Amz-Date` / `Date`, in epoch seconds.
    public let signedAt: Int
    /// Where the identity is in the verifier's `SigV4IdentityTable.identities`, when it was given one: lets the
    /// gateway find what it built per identity by position instead of hashing the key id again.
    public let identityIndex: Int?
}
