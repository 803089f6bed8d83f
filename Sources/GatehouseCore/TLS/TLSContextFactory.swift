import NIOCore
import NIOSSL

/// Builds a listener's server-side TLS context (`TLSServerContext`, served by `TLSServerHandler`). Expensive, so it is
/// done once per configuration, off the event loops, and shared by every connection of that configuration.
public enum TLSContextFactory {
    /// Mozilla "intermediate" TLS 1.2 suites: ECDHE key exchange with AEAD ciphers only, no CBC.
    static let tls12CipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// - Parameters:
    ///   - certificateChainPEM: the server chain, leaf first.
    ///   - clientCAPEM: trust anchors; sent as the acceptable CA list so clients pick the right certificate.
    ///     Verification itself happens in the custom callback (`ClientCertificatePolicy`).
    /// After Gatehouse's close_notify, how long `TLSServerHandler` waits for the client's before closing the socket:
    /// NIOSSL's default, 5 s, let a client that never answers hold its socket and connection slot 5 s past every
    /// close (idle timeout, `Connection: close`, a lingering close); clients that do answer answer at once.
    static let closeNotifyWait = TimeAmount.milliseconds(500)

    static func makeServerContext(
        certificateChainPEM: [UInt8], privateKeyPEM: [UInt8], clientCAPEM: [UInt8], minimumVersion: TLSVersion,
        offersHTTP2: Bool = true
    ) throws -> TLSServerContext {
        // ALPN: `h2` first, so a client offering both speaks HTTP/2 (contract section 9); without it, HTTP/1.1 only.
        try TLSServerContext(
            certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM, clientCAPEM: clientCAPEM,
            minimumVersion: minimumVersion, applicationProtocols: offersHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"])
    }
}
