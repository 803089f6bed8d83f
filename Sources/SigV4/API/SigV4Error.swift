/// Why a request failed SigV4 authentication. Every case answers HTTP 403; `errorType` is the
/// `x-amzn-ErrorType` and `message` the JSON message, worded as API Gateway words them (contract §3).
/// Messages never contain the secret key or the signature the gateway computed.
public struct SigV4Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error classes of the contract's table.
    public enum Kind: Sendable, Equatable {
        /// No `Authorization` header and no `X-Amz-Signature` query parameter.
        case missingAuthenticationToken
        /// Malformed `Authorization`, credential scope, presigned parameters, or `host` not signed.
        case incompleteSignature
        /// Unknown access key id, or a session token that does not match the identity.
        case unrecognizedClient
        /// The signature (or the declared payload hash) does not match.
        case invalidSignature
        /// The request date is older than the skew window allows, or a presigned URL is past `X-Amz-Expires`.
        case signatureExpired
        /// The request date is further in the future than the skew window allows.
        case signatureNotYetCurrent
    }

    public let kind: Kind
    public let message: String

    /// The HTTP status: always 403 for authentication failures.
    public var status: Int { 403 }

    /// The `x-amzn-ErrorType` header value.
    public var errorType: String {
        switch kind {
        case .missingAuthenticationToken: return "MissingAuthenticationTokenException"
        case .incompleteSignature: return "IncompleteSignatureException"
        case .unrecognizedClient: return "UnrecognizedClientException"
        case .invalidSignature, .signatureExpired, .signatureNotYetCurrent: return "InvalidSignatureException"
        }
    }

    public var description: String { "\(errorType): \(message)" }

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    static let missingAuthenticationToken = SigV4Error(.missingAuthenticationToken, "Missing Authentication Token")

    static let unrecognizedClient = SigV4Error(
        .unrecognizedClient, "The security token included in the request is invalid."
    )

    static let signatureMismatch = SigV4Error(
        .invalidSignature,
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            + "Access Key and signing method. Consult the service documentation for details."
    )

    static let payloadHashMismatch = SigV4Error(
        .invalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed."
    )

    static func incomplete(_ message: String) -> SigV4Error {
        SigV4Error(.incompleteSignature, message)
    }

    /// `Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T125100Z - 5 min.)`
    static func expired(date: String, limit: Int, now: Int, window: Int) -> SigV4Error {
        SigV4Error(
            .signatureExpired,
            "Signature expired: \(date) is now earlier than \(AmzTimestamp.format(limit)) "
                + "(\(AmzTimestamp.format(now)) - \(duration(window)).)"
        )
    }

    /// `Signature not yet current: 20150830T123600Z is still later than 20150830T122600Z (20150830T122100Z + 5 min.)`
    static func notYetCurrent(date: String, limit: Int, now: Int, window: Int) -> SigV4Error {
        SigV4Error(
            .signatureNotYetCurrent,
            "Signature not yet current: \(date) is still later than \(AmzTimestamp.format(limit)) "
                + "(\(AmzTimestamp.format(now)) + \(duration(window)).)"
        )
    }

    private static func duration(_ seconds: Int) -> String {
        seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) sec"
    }
}
