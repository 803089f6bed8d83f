import Foundation
import SwiftASN1
import X509

/// Rejects a chain in which any certificate (leaf, intermediate or trust anchor) is outside its validity period at
/// `validationTime`.
///
/// RFC5280Policy checks this too, but only with a free-text reason; running first lets the handshake failure say
/// `expired` or `not_yet_valid`, which operators and metrics need to tell a stale certificate from an attack.
/// Chains reach policies only after every signature has been verified, so the classification cannot be forged.
struct ValidityPeriodPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []
    let validationTime: Date

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        for (index, certificate) in chain.enumerated() {
            let role = CertificateRole.name(index: index, count: chain.count)
            if certificate.notValidAfter < self.validationTime {
                return TaggedFailure.fail(
                    ClientCertificateRejection.expired,
                    "The \(role) certificate \"\(DistinguishedNameFormatter.format(certificate.subject))\" expired at "
                        + "\(certificate.notValidAfter.formatted(.iso8601))."
                )
            }
            if certificate.notValidBefore > self.validationTime {
                return TaggedFailure.fail(
                    ClientCertificateRejection.notYetValid,
                    "The \(role) certificate \"\(DistinguishedNameFormatter.format(certificate.subject))\" is not valid "
                        + "before \(certificate.notValidBefore.formatted(.iso8601))."
                )
            }
        }
        return .meetsPolicy
    }
}
