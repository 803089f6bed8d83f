import IPNetwork

/// One entry of a listener's `allow_sources`: a named network (resolved) or a bare CIDR.
public enum AllowedSource: Hashable, Sendable {
    case network(SourceNetwork)
    case cidr(CIDR)

    /// Whether a connection from the address is admitted by this entry.
    public func contains(_ address: IPAddress) -> Bool {
        switch self {
        case .network(let network): return network.contains(address)
        case .cidr(let cidr): return cidr.contains(address)
        }
    }
}
