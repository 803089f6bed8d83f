import Foundation
import SwiftASN1
import X509

/// Checks every certificate below the trust anchor against the configured CRLs of its issuer.
///
/// Fail closed, as nginx (`ssl_crl`) and Envoy do with CRL checking on the whole chain: when CRLs are configured,
/// each such certificate needs a current CRL (thisUpdate ≤ now ≤ nextUpdate) from its issuer, else the chain is
/// refused with `revocation_unknown`; a listed serial number gives `revoked`. A CRL belongs to an issuer when the
/// issuer's subject and public key are those of the configured certificate whose signature verified the CRL at load,
/// so no signature is checked per handshake.
struct RevocationPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []
    let lists: [TrustedRevocationList]
    let validationTime: Date

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        let certificates = Array(chain)
        var unknown: PolicyEvaluationResult?
        // A revocation anywhere in the chain is reported before a missing CRL elsewhere: it is the stronger fact.
        for index in 0..<(certificates.count - 1) {
            let certificate = certificates[index]
            let issuer = certificates[index + 1]
            let role = CertificateRole.name(index: index, count: certificates.count)
            let subject = DistinguishedNameFormatter.format(certificate.subject)
            let issuerName = DistinguishedNameFormatter.format(issuer.subject)
            let fromIssuer = self.lists.filter {
                $0.signer.subject == issuer.subject && $0.signer.publicKey == issuer.publicKey
            }
            let current = fromIssuer.filter { $0.list.isCurrent(at: self.validationTime) }
            if current.contains(where: { $0.list.revokedSerialNumbers.contains(certificate.serialNumber) }) {
                return TaggedFailure.fail(
                    ClientCertificateRejection.revoked,
                    "The \(role) certificate \"\(subject)\" (serial \(certificate.serialNumber)) is revoked by the CRL "
                        + "of \"\(issuerName)\"."
                )
            }
            if current.isEmpty, unknown == nil {
                let why =
                    fromIssuer.isEmpty
                    ? "no CRL from its issuer \"\(issuerName)\" is configured"
                    : "every CRL from its issuer \"\(issuerName)\" is outside its thisUpdate..nextUpdate window"
                unknown = TaggedFailure.fail(
                    ClientCertificateRejection.revocationUnknown,
                    "The revocation status of the \(role) certificate \"\(subject)\" is unknown: \(why)."
                )
            }
        }
        return unknown ?? .meetsPolicy
    }
}

/// A CRL together with the configured CA certificate whose key verified its signature.
struct TrustedRevocationList: Sendable, Hashable {
    let list: CertificateRevocationList
    let signer: Certificate
}
