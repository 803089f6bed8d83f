/// A block of addresses (`10.0.0.0/8`, `fd00::/8`): the unit of source allowlists, named networks and the
/// `IpAddress` policy condition. IPv4 blocks are held IPv4-mapped so they also match IPv4-mapped IPv6 peers.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The network address with host bits cleared.
    public let network: IPAddress
    /// Prefix length over the 128-bit (IPv4-mapped) form.
    public let prefixLength: Int
    private let isIPv4Block: Bool

    /// Parses `ADDRESS/LENGTH`, or a bare address as a host route (/32 or /128). Host bits set below the prefix
    /// are cleared, as IAM and most firewalls do, rather than refused.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let ipv4 = address.isIPv4 && !parts[0].contains(":")
        let maxLength = ipv4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[1]),
                value <= maxLength
            else { return nil }
            length = value
        }
        self.prefixLength = ipv4 ? length + 96 : length
        self.isIPv4Block = ipv4
        self.network = IPAddress(bytes: CIDR.mask(address.bytes, prefixLength: self.prefixLength))!
    }

    /// Whether the address lies in this block.
    public func contains(_ address: IPAddress) -> Bool {
        CIDR.mask(address.bytes, prefixLength: prefixLength) == network.bytes
    }

    public var description: String {
        "\(network)/\(isIPv4Block ? prefixLength - 96 : prefixLength)"
    }

    private static func mask(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        var out = bytes
        for index in 0..<16 {
            let bitsKept = max(0, min(8, prefixLength - index * 8))
            out[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsKept))
        }
        return out
    }
}
