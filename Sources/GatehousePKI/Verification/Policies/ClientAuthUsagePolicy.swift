import SwiftASN1
import X509

/// Requires that the chain may be used for TLS client authentication, as OpenSSL's `sslclient` purpose does:
/// - every certificate below the trust anchor that has an extended key usage extension lists `clientAuth`
///   (`anyExtendedKeyUsage` alone is not enough, as in OpenSSL and BoringSSL);
/// - the leaf's key usage, when present, allows `digitalSignature` or `keyAgreement`;
/// - each intermediate CA's key usage, when present, allows `keyCertSign`.
///
/// It handles the EKU extension, so a critical EKU does not make the chain unbuildable.
struct ClientAuthUsagePolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        for (index, certificate) in chain.enumerated() where index < chain.count - 1 {
            let role = CertificateRole.name(index: index, count: chain.count)
            let subject = DistinguishedNameFormatter.format(certificate.subject)
            do {
                if let usage = try certificate.extensions.extendedKeyUsage, !usage.contains(.clientAuth) {
                    return TaggedFailure.fail(
                        ClientCertificateRejection.badEKU,
                        "The \(role) certificate \"\(subject)\" does not allow TLS client authentication "
                            + "(extended key usage \(usage))."
                    )
                }
                if let keyUsage = try certificate.extensions.keyUsage {
                    let allowed = index == 0 ? keyUsage.digitalSignature || keyUsage.keyAgreement : keyUsage.keyCertSign
                    if !allowed {
                        return TaggedFailure.fail(
                            ClientCertificateRejection.badEKU,
                            "The \(role) certificate \"\(subject)\" has a key usage (\(keyUsage)) that does not allow "
                                + (index == 0 ? "TLS client authentication." : "signing certificates.")
                        )
                    }
                }
            } catch {
                return TaggedFailure.fail(
                    ClientCertificateRejection.malformed,
                    "The \(role) certificate \"\(subject)\" has an unparsable key usage extension: \(error)."
                )
            }
        }
        return .meetsPolicy
    }
}
