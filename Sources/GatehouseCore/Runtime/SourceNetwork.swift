import IPNetwork

/// A named source network: the emulated VPC endpoint a caller comes through.
public struct SourceNetwork: Sendable {
    /// The value of `aws:SourceVpce`.
    public let id: String
    /// The value of `aws:SourceVpc`.
    public let vpc: String?
    public let cidrs: [CIDR]

    public init(id: String, vpc: String?, cidrs: [CIDR]) {
        self.id = id
        self.vpc = vpc
        self.cidrs = cidrs
    }

    public func contains(_ address: IPAddress) -> Bool {
        cidrs.contains { $0.contains(address) }
    }
}
