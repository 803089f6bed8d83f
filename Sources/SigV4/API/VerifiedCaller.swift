/// Who signed a request that passed verification: what the resource policy and the access log need, without the
/// secret. The identity's fields are read through one reference to the verifier's identity, so a verified request
/// copies one reference rather than four strings and a dictionary.
public struct VerifiedCaller: Sendable, Equatable {
    private let identity: SigV4IdentityTable.Entry
    public var accessKeyID: String { identity.identity.accessKeyID }
    public var principalARN: String? { identity.identity.principalARN }
    public var accountID: String? { identity.identity.accountID }
    public var tags: [String: String] { identity.identity.tags }
    public let algorithm: SigV4Algorithm
    /// Whether the request was presigned (query form) rather than signed in the `Authorization` header.
    public let presigned: Bool
    /// Whether the caller used temporary credentials (a session token).
    public let usedSessionToken: Bool
    /// The signing time from `X-Amz-Date` / `Date`, in epoch seconds.
    public let signedAt: Int
    /// Where the identity is in the verifier's `SigV4IdentityTable.identities`, when it was given one: lets the
    /// gateway find what it built per identity by position instead of hashing the key id again.
    public var identityIndex: Int? { identity.index }

    init(
        identity: SigV4IdentityTable.Entry, algorithm: SigV4Algorithm, presigned: Bool, usedSessionToken: Bool,
        signedAt: Int
    ) {
        self.identity = identity
        self.algorithm = algorithm
        self.presigned = presigned
        self.usedSessionToken = usedSessionToken
        self.signedAt = signedAt
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.accessKeyID == rhs.accessKeyID && lhs.principalARN == rhs.principalARN && lhs.accountID == rhs.accountID
            && lhs.tags == rhs.tags && lhs.algorithm == rhs.algorithm && lhs.presigned == rhs.presigned
            && lhs.usedSessionToken == rhs.usedSessionToken && lhs.signedAt == rhs.signedAt
            && lhs.identityIndex == rhs.identityIndex
    }
}
