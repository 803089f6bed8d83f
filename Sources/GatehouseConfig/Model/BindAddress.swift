import IPNetwork

/// Where a listener binds when systemd passes no socket of its name.
///
/// Host names are not resolved (a name could resolve to a public address); only IP literals and `localhost`
/// (taken as `127.0.0.1`) are accepted.
public enum BindAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IP address and TCP port (`127.0.0.1:8443`, `[::1]:8443`). Port 0 asks the kernel for a free port.
    case ip(IPAddress, port: Int)
    /// A unix domain socket path (`unix:/run/gatehouse.sock`), resolved against the configuration's folder.
    case unix(path: String)

    public var description: String {
        switch self {
        case .ip(let address, let port):
            return address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
        case .unix(let path):
            return "unix:\(path)"
        }
    }
}

extension BindAddress {
    /// Port 0: the kernel picks a free port, so two such listeners do not clash.
    var isEphemeralPort: Bool {
        if case .ip(_, 0) = self {
            return true
        }
        return false
    }
}
