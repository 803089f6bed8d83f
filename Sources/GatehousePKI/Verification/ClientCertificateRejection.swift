/// Why a client certificate was refused during the TLS handshake.
///
/// `reason` is a short, fixed vocabulary for metric labels and log fields
/// (`gatehouse_tls_handshake_failures_total{reason}`, journald `REASON`); `message` is the readable detail for logs.
public struct ClientCertificateRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// One of ``ClientCertificateRejection/reasons``.
    public let reason: String
    /// Readable detail naming the certificate and the rule it broke.
    public let message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(self.reason): \(self.message)" }

    /// No chain to a configured trust anchor (unknown CA, bad signature, bad CA constraints, unhandled critical
    /// extension).
    public static let untrusted = "untrusted"
    /// A certificate in the chain is past its notAfter.
    public static let expired = "expired"
    /// A certificate in the chain is before its notBefore.
    public static let notYetValid = "not_yet_valid"
    /// A certificate in the chain is listed in its issuer's CRL.
    public static let revoked = "revoked"
    /// CRLs are configured but none current covers a certificate of the chain (missing for its issuer, stale past
    /// nextUpdate, or not yet valid): fail closed, as nginx and Envoy do.
    public static let revocationUnknown = "revocation_unknown"
    /// Extended key usage (or key usage) does not allow TLS client authentication.
    public static let badEKU = "bad_eku"
    /// The chain is trusted but the identity matches no `allowed_clients` pattern.
    public static let notAllowed = "not_allowed"
    /// No certificate, or one that does not parse, or SANs with control characters.
    public static let malformed = "malformed"

    /// Every reason this type can carry, for pre-creating metric series.
    public static let reasons = [
        untrusted, expired, notYetValid, revoked, revocationUnknown, badEKU, notAllowed, malformed,
    ]
}
