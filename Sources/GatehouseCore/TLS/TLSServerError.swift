import CNIOBoringSSL

/// Why the listeners' TLS (`TLSServerContext`, `TLSServerHandler`) failed; the text carries BoringSSL's reason, which
/// `HandshakeFailureReason` classifies.
enum TLSServerError: Error, CustomStringConvertible {
    case context(String)
    case handshakeFailed(String)
    case readFailed(String)
    case writeFailed(String)
    case uncleanShutdown

    var description: String {
        switch self {
        case .context(let what): what
        case .handshakeFailed(let why): "TLS handshake failed: \(why)"
        case .readFailed(let why): "TLS read failed: \(why)"
        case .writeFailed(let why): "TLS write failed: \(why)"
        case .uncleanShutdown: "the connection ended without close_notify"
        }
    }

    /// BoringSSL's error queue as text (and cleared).
    static func drainErrors() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            parts.append(String(decoding: bytes, as: UTF8.self))
        }
        return parts.isEmpty ? "unknown" : parts.joined(separator: "; ")
    }
}
