/// Short, bounded reasons for failed handshakes, for `gatehouse_tls_handshake_failures_total` and the journal.
enum HandshakeFailureReason {
    static func classify(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") { return "no_client_certificate" }
        // A TCP health check or port scan: connected and closed without speaking TLS.
        if text.contains("EOF during handshake") { return "closed_during_handshake" }
        if text.contains("UNSUPPORTED_PROTOCOL") || text.contains("WRONG_VERSION") { return "protocol_version" }
        if text.contains("NO_SHARED_CIPHER") { return "no_shared_cipher" }
        if text.contains("HTTP_REQUEST") || text.contains("WRONG_VERSION_NUMBER") { return "not_tls" }
        if case TLSServerError.uncleanShutdown = error { return "unclean_shutdown" }
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return "certificate_rejected" }
        return "handshake_failed"
    }
}
