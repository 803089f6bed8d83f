/// An IPv4 or IPv6 address held as 16 bytes, so allowlists, policy conditions and the internal-address rule
/// compare addresses without string handling. IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`), which makes an
/// IPv4-mapped IPv6 peer (as a dual-stack socket reports it) match IPv4 rules.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address in network byte order; IPv4 addresses are IPv4-mapped.
    public let bytes: [UInt8]

    /// Creates an address from 4 (IPv4) or 16 (IPv6) network-order bytes.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self.bytes = IPAddress.mappedPrefix + bytes
        case 16: self.bytes = bytes
        default: return nil
        }
    }

    /// Parses dotted IPv4 (`127.0.0.1`) or IPv6 text (`::1`, `fd00::1`, `::ffff:10.0.0.1`). Zone ids are refused:
    /// a scoped address cannot be matched against a rule safely.
    public init?(_ text: some StringProtocol) {
        if let v4 = IPAddress.parseIPv4(Substring(text)) {
            self.bytes = IPAddress.mappedPrefix + v4
        } else if let v6 = IPAddress.parseIPv6(Substring(text)) {
            self.bytes = v6
        } else {
            return nil
        }
    }

    static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

    /// True for IPv4 addresses, including IPv4-mapped IPv6 ones.
    public var isIPv4: Bool { bytes[0..<12].elementsEqual(IPAddress.mappedPrefix) }

    /// The 4 IPv4 bytes, when this is an IPv4 address.
    public var ipv4Bytes: [UInt8]? { isIPv4 ? Array(bytes[12..<16]) : nil }

    /// Whether the address belongs to a network that is never reachable from the public internet: loopback,
    /// RFC 1918, RFC 6598 (carrier-grade NAT), link-local, and IPv6 unique-local. Gatehouse refuses to listen
    /// anywhere else unless a listener opts in.
    public var isInternal: Bool {
        IPAddress.internalBlocks.contains { $0.contains(self) }
    }

    /// Whether the address is loopback (127.0.0.0/8 or ::1): the only place the admin listener may live.
    public var isLoopback: Bool {
        IPAddress.loopbackBlocks.contains { $0.contains(self) }
    }

    static let loopbackBlocks: [CIDR] = ["127.0.0.0/8", "::1/128"].compactMap { CIDR($0) }
    static let internalBlocks: [CIDR] = [
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
        "::1/128", "fc00::/7", "fe80::/10",
    ].compactMap { CIDR($0) }

    public var description: String {
        if let v4 = ipv4Bytes {
            return v4.map(String.init).joined(separator: ".")
        }
        var groups: [UInt16] = []
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on a tie.
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[0..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// Splits on a multi-character separator without Foundation.
    private static func split(_ text: String, on separator: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix(separator) {
                pieces.append(current)
                current = ""
                rest = rest.dropFirst(separator.count)
            } else {
                current.append(rest.removeFirst())
            }
        }
        pieces.append(current)
        return pieces
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            // Leading zeros are refused: "010" means octal to some parsers and decimal to others.
            guard part.count == 1 || part.first != "0" else { return nil }
            guard let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":"), !text.contains("%") else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let pieces = IPAddress.split(String(text), on: "::")
        guard pieces.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            var result: [UInt16] = []
            for (index, field) in fields.enumerated() {
                if allowIPv4Tail, index == fields.count - 1, field.contains(".") {
                    guard let v4 = parseIPv4(field) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        if pieces.count == 2 {
            sawGap = true
            guard let h = groups(pieces[0], allowIPv4Tail: false), let t = groups(pieces[1], allowIPv4Tail: true)
            else { return nil }
            head = h
            tail = t
        } else {
            guard let h = groups(pieces[0], allowIPv4Tail: true) else { return nil }
            head = h
        }
        let total = head.count + tail.count
        if sawGap {
            guard total <= 7 else { return nil }
        } else {
            guard total == 8 else { return nil }
        }
        let all = head + Array(repeating: 0, count: 8 - total) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}
