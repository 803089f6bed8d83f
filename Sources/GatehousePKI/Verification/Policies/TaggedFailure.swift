import X509

/// Carries a ``ClientCertificateRejection`` reason through swift-certificates' `PolicyFailureReason`, which is only a
/// string: our policies fail with `[reason] message`, and the verifier's caller reads the tag back. Failures from
/// policies that are not ours (RFC 5280 checks) have no tag and count as `untrusted`.
enum TaggedFailure {
    static func fail(_ reason: String, _ message: String) -> PolicyEvaluationResult {
        .failsToMeetPolicy(reason: "[\(reason)] \(message)")
    }

    static func rejection(from failure: PolicyFailureReason) -> ClientCertificateRejection {
        let text = failure.description
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let reason = String(text[text.index(after: text.startIndex)..<close])
            let message = text[text.index(after: close)...].drop { $0 == " " }
            return ClientCertificateRejection(reason: reason, message: String(message))
        }
        return ClientCertificateRejection(reason: ClientCertificateRejection.untrusted, message: text)
    }
}
