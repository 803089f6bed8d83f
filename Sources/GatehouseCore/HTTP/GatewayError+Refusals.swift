import SigV4

/// The one place where the verdicts of the authentication and authorization gates become the contract's errors:
/// `RequestPipeline` answers with these, so a SigV4 failure or a policy denial cannot be worded or typed two ways.
extension GatewayError {
    /// Gate 5: a SigV4 failure, 403 with its `x-amzn-ErrorType` from the contract's table. Where the table fixes the
    /// message the table's is used; otherwise it names what is wrong (malformed signature) or the times involved
    /// (expired, not yet current), in AWS's words.
    init(_ error: SigV4Error) {
        switch error.kind {
        case .missingAuthenticationToken: self = .missingAuthenticationToken
        case .unrecognizedClient: self = .unrecognizedClient
        case .incompleteSignature: self = .incompleteSignature(error.message)
        case .invalidSignature, .signatureExpired, .signatureNotYetCurrent: self = .invalidSignature(error.message)
        }
    }

    /// Gate 6: the resource policy's verdict; nil when it allows the request.
    init?(_ outcome: PolicyCheck.Outcome) {
        guard let message = outcome.deniedMessage else { return nil }
        self = .accessDenied(message)
    }
}
