import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// Decides whether a TLS client certificate chain is acceptable for a listener (contract §3, check 2) and, if so,
/// who the client is.
///
/// Built once per configuration (parsing PEM and verifying CRL signatures happen here, not per handshake) and
/// immutable, so one value is shared by every connection and swapped whole on reload. The checks, in order, each
/// with its rejection reason:
/// 1. the chain parses (`malformed`) and links by verified signatures to a certificate of `client_ca` (`untrusted`);
///    every certificate of `client_ca` is a trust anchor, so an intermediate CA may be pinned on its own;
/// 2. every certificate of the chain is within its validity period (`expired`, `not_yet_valid`);
/// 3. RFC 5280 chain rules: basic constraints, path length, name constraints, version (`untrusted`);
/// 4. extended key usage allows `clientAuth` when present, key usage fits (`bad_eku`), see `ClientAuthUsagePolicy`;
/// 5. with CRLs configured, nothing below the trust anchor is revoked and each has a current CRL from its issuer
///    (`revoked`, `revocation_unknown`), see `RevocationPolicy`;
/// 6. the leaf matches `allowed_clients` (`not_allowed`), see ``AllowedClientPattern``.
///
/// Chain building and signature checks are swift-certificates' `Verifier`; 2–6 are `VerifierPolicy` values composed
/// with `RFC5280Policy` (its fixed-time initializer is SPI: the public one is deprecated, and the time must be the
/// caller's so that tests and the handshake agree on "now").
public struct ClientCertificatePolicy: Sendable {
    /// The trust anchors from `client_ca`.
    public let trustAnchors: [Certificate]
    /// The anchors indexed by subject for chain building, made once rather than per handshake.
    private let anchorStore: CertificateStore
    /// The CRLs from `client_crl`, each with the anchor that signed it; `nil` when no CRL file is configured.
    let revocationLists: [TrustedRevocationList]?
    /// The parsed `allowed_clients` patterns.
    public let allowedClients: [AllowedClientPattern]

    /// The most certificates a client may present: real chains have two or three, and every extra candidate makes
    /// chain building (a search) costlier for an unauthenticated peer.
    public static let maximumChainLength = 8

    /// Loads the policy of a listener.
    ///
    /// - Parameters:
    ///   - trustRootsPEM: the `client_ca` file's content; every `CERTIFICATE` block is a trust anchor.
    ///   - crlPEM: the `client_crl` file's content (one or more `X509 CRL` blocks), or `nil` for no revocation check.
    ///     Each CRL must be signed by a certificate of `client_ca`.
    ///   - allowedClients: `allowed_clients` patterns; empty allows every trusted client.
    ///   - trustRootsSource, crlSource: names used in error messages (pass the file paths).
    /// - Throws: ``PKIError`` naming the file and the problem (no certificate, unparsable PEM/certificate/CRL, a CRL
    ///   not signed by any `client_ca` certificate, a bad pattern).
    public init(
        trustRootsPEM: String,
        crlPEM: String?,
        allowedClients: [String],
        trustRootsSource: String = "client_ca",
        crlSource: String = "client_crl"
    ) throws {
        let anchors = try PEMBundle.certificates(in: trustRootsPEM, source: trustRootsSource)
        guard !anchors.isEmpty else {
            throw PKIError.invalidPEM(trustRootsSource, "it holds no CERTIFICATE block")
        }
        self.trustAnchors = anchors
        self.anchorStore = CertificateStore(anchors)
        if let crlPEM {
            self.revocationLists = try CertificateRevocationList.parseAll(pem: crlPEM, source: crlSource).map { list in
                guard let signer = anchors.first(where: { list.isSigned(by: $0) }) else {
                    throw PKIError.untrustedCRL(crlSource, issuer: DistinguishedNameFormatter.format(list.issuer))
                }
                return TrustedRevocationList(list: list, signer: signer)
            }
        } else {
            self.revocationLists = nil
        }
        self.allowedClients = try allowedClients.map { try AllowedClientPattern($0) }
    }

    /// Verifies a presented chain at `now`.
    ///
    /// - Parameter chainDER: the certificates as the client sent them, leaf first; the rest are only candidates for
    ///   intermediates (order and extras do not matter, as in TLS 1.3).
    /// - Returns: the client's identity, or why it was refused.
    public func verify(chainDER: [[UInt8]], now: Date) async -> Result<ClientIdentity, ClientCertificateRejection> {
        guard let leafDER = chainDER.first else {
            return .failure(
                ClientCertificateRejection(
                    reason: ClientCertificateRejection.malformed,
                    message: "The client sent no certificate."
                )
            )
        }
        guard chainDER.count <= Self.maximumChainLength else {
            return .failure(
                ClientCertificateRejection(
                    reason: ClientCertificateRejection.malformed,
                    message: "The client sent \(chainDER.count) certificates; at most \(Self.maximumChainLength) are "
                        + "accepted."
                )
            )
        }
        var certificates: [Certificate] = []
        for (index, der) in chainDER.enumerated() {
            do {
                certificates.append(try Certificate(derEncoded: der))
            } catch {
                return .failure(
                    ClientCertificateRejection(
                        reason: ClientCertificateRejection.malformed,
                        message: "Certificate #\(index + 1) of the client's chain does not parse: \(error)."
                    )
                )
            }
        }
        let identity: ClientIdentity
        do {
            identity = try ClientIdentity(certificate: certificates[0], derBytes: leafDER)
        } catch {
            return .failure(error)
        }
        let revocationLists = self.revocationLists
        var verifier = Verifier(rootCertificates: self.anchorStore) {
            ValidityPeriodPolicy(validationTime: now)
            RFC5280Policy(fixedExpiryValidationTime: now)
            ClientAuthUsagePolicy()
            if let revocationLists {
                RevocationPolicy(lists: revocationLists, validationTime: now)
            }
            AllowedClientsPolicy(patterns: self.allowedClients)
        }
        let result = await verifier.validate(
            leaf: certificates[0],
            intermediates: CertificateStore(certificates.dropFirst())
        )
        switch result {
        case .validCertificate:
            return .success(identity)
        case .couldNotValidate(let failures):
            guard let first = failures.first else {
                return .failure(
                    ClientCertificateRejection(
                        reason: ClientCertificateRejection.untrusted,
                        message: "The client certificate \"\(identity.subject)\" does not chain to a trusted CA "
                            + "(unknown issuer, bad signature or unhandled critical extension)."
                    )
                )
            }
            return .failure(TaggedFailure.rejection(from: first.policyFailureReason))
        }
    }
}
