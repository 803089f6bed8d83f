import IPNetwork

/// A named source network: an emulated VPC endpoint that callers are recognised by.
public struct SourceNetwork: Hashable, Sendable {
    /// The value of `aws:SourceVpce` for callers from these CIDRs.
    public let id: String
    /// The value of `aws:SourceVpc`, when configured.
    public let vpc: String?
    /// The address blocks that make up the network.
    public let cidrs: [CIDR]

    public init(id: String, vpc: String?, cidrs: [CIDR]) {
        self.id = id
        self.vpc = vpc
        self.cidrs = cidrs
    }

    /// Whether the address belongs to this network.
    public func contains(_ address: IPAddress) -> Bool {
        cidrs.contains { $0.contains(address) }
    }
}
