import NIOCore
import NIOHTTP1
import NIOSSL

/// The kinds of failure counted separately in the report, so a benchmark can tell a refused connection from a
/// rejected certificate, a slow server, an HTTP error answer or a dropped connection.
enum ErrorKind: String, CaseIterable, Sendable, Codable {
    /// TCP connect failed (refused, unreachable, connect timeout).
    case connect
    /// The TLS handshake failed or the server ended the connection with a TLS alert.
    case tls
    /// No complete response within `--timeout`.
    case timeout
    /// A 4xx answer.
    case status4xx = "status_4xx"
    /// A 5xx answer.
    case status5xx = "status_5xx"
    /// The connection was reset or closed before the response was complete.
    case reset
    /// The response could not be parsed as HTTP/1.1.
    case `protocol`

    /// Classifies an error raised on an established connection.
    ///
    /// - Parameter handshakeCompleted: whether the TLS handshake had completed (always true for plain HTTP); a
    ///   close before that is a TLS failure, after it a reset.
    static func classify(_ error: any Error, handshakeCompleted: Bool) -> ErrorKind {
        if error is HTTPParserError {
            return .protocol
        }
        if let sslError = error as? NIOSSLError {
            switch sslError {
            case .uncleanShutdown:
                return handshakeCompleted ? .reset : .tls
            default:
                return .tls
            }
        }
        if error is BoringSSLError || error is NIOSSLExtraError {
            return .tls
        }
        return handshakeCompleted ? .reset : .tls
    }
}
