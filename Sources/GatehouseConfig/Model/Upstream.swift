/// Where an HTTP_PROXY integration connects.
public enum Upstream: Hashable, Sendable, CustomStringConvertible {
    /// Plain HTTP over TCP to a host (IP literal or DNS name) and port.
    case http(host: String, port: Int)
    /// Plain HTTP over a unix domain socket.
    case unix(path: String)

    public var description: String {
        switch self {
        case .http(let host, let port):
            return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        case .unix(let path):
            return "unix:\(path)"
        }
    }
}
