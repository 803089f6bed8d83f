import IPNetwork

/// A named source network from the configuration (the emulated VPC endpoint): its id is `aws:SourceVpce`,
/// its `vpc` is `aws:SourceVpc`.
///
/// Lives here, not in the config module, so `serve` and `policy simulate` pick the network for an address with
/// the same function, which is what makes a simulation answer exactly as the gateway would.
public struct SourceNetwork: Hashable, Sendable {
    public var id: String
    public var vpc: String?
    public var cidrs: [CIDR]

    public init(id: String, vpc: String?, cidrs: [CIDR]) {
        self.id = id
        self.vpc = vpc
        self.cidrs = cidrs
    }

    /// The network an address belongs to: the one with the most specific (longest-prefix) matching block;
    /// on a tie, the first in configuration order. nil when no network contains the address.
    public static func containing(_ address: IPAddress, in networks: [SourceNetwork]) -> SourceNetwork? {
        var best: (network: SourceNetwork, prefixLength: Int)?
        for network in networks {
            for block in network.cidrs where block.contains(address) {
                if block.prefixLength > best?.prefixLength ?? -1 {
                    best = (network, block.prefixLength)
                }
            }
        }
        return best?.network
    }
}
