/// Where an HTTP_PROXY integration connects.
public enum Upstream: Hashable, Sendable, CustomStringConvertible {
    /// Plain HTTP over TCP to a host (IP literal or DNS name) and port.
    case http(host: String, port: Int)
    /// Plain HTTP over a unix domain socket.
    case unix(path: String)
    /// HTTP/2 to a host and port (gRPC): `h2c://` (prior knowledge, no TLS) or `h2://` (TLS with ALPN `h2`).
    case http2(host: String, port: Int, tls: Bool)

    public var description: String {
        switch self {
        case .http(let host, let port):
            return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        case .unix(let path):
            return "unix:\(path)"
        case .http2(let host, let port, let tls):
            let scheme = tls ? "h2" : "h2c"
            return host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)"
        }
    }
}
