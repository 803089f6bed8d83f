import SwiftASN1
import X509

/// Accepts the chain only when its leaf matches one of the `allowed_clients` patterns (see ``AllowedClientPattern``).
///
/// Runs last, after the chain is known to be trusted, valid and unrevoked, so `not_allowed` always means "a good
/// certificate for someone else". It handles the SAN extension, which a subject-less certificate marks critical.
struct AllowedClientsPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.subjectAlternativeName]
    let patterns: [AllowedClientPattern]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        if self.patterns.isEmpty { return .meetsPolicy }
        let leaf = chain.leaf
        var uris: [String] = []
        var dnsNames: [String] = []
        for name in (try? leaf.extensions.subjectAlternativeNames) ?? SubjectAlternativeNames() {
            switch name {
            case .uniformResourceIdentifier(let uri): uris.append(uri)
            case .dnsName(let dns): dnsNames.append(dns)
            default: break
            }
        }
        if self.patterns.contains(where: { $0.matches(subject: leaf.subject, uris: uris, dnsNames: dnsNames) }) {
            return .meetsPolicy
        }
        return TaggedFailure.fail(
            ClientCertificateRejection.notAllowed,
            "The client certificate \"\(DistinguishedNameFormatter.format(leaf.subject))\" matches no allowed_clients "
                + "pattern."
        )
    }
}
