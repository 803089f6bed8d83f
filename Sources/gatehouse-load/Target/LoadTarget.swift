import NIOCore

/// Where the load goes: the parsed target URL, restricted to loopback addresses.
///
/// gatehouse-load is a measuring tool for this machine only; refusing any other address keeps a typo or a pasted
/// URL from turning it into a traffic generator against someone else's host.
struct LoadTarget: Sendable, Equatable {
    enum Scheme: String, Sendable {
        case http
        case https
    }

    let scheme: Scheme
    /// The host as written in the URL (brackets stripped for IPv6).
    let host: String
    let port: Int
    /// Path and query, sent as the request target; always starts with `/`.
    let requestTarget: String
    /// The numeric loopback address connections are opened to.
    let ipAddress: String

    /// The default `Host` header: `host[:port]`, port omitted when it is the scheme's default.
    var defaultHostHeader: String {
        let hostPart = ipAddress.contains(":") && host == ipAddress ? "[\(host)]" : host
        let defaultPort = scheme == .https ? 443 : 80
        return port == defaultPort ? hostPart : "\(hostPart):\(port)"
    }

    /// The TLS server name to send: a DNS name when the URL has one, none for an IP literal (SNI forbids those);
    /// NIOSSL then verifies the certificate against the peer's IP address.
    var serverName: String? {
        host == ipAddress ? nil : host
    }

    init(url: String) throws(LoadError) {
        guard let schemeEnd = url.range(of: "://") else {
            throw .invalidURL(url, reason: "expected http:// or https://")
        }
        guard let scheme = Scheme(rawValue: url[..<schemeEnd.lowerBound].lowercased()) else {
            throw .invalidURL(url, reason: "the scheme must be http or https")
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty {
            target = "/"
        } else if target.hasPrefix("?") {
            target = "/" + target
        }
        if target.contains("#") {
            target = String(target[..<target.firstIndex(of: "#")!])
        }
        guard !authority.contains("@") else {
            throw .invalidURL(url, reason: "user information in the URL is not supported")
        }

        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidURL(url, reason: "unterminated IPv6 literal")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL(url, reason: "junk after the IPv6 literal") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .invalidURL(url, reason: "no host") }

        let port: Int
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .invalidURL(url, reason: "the port must be a number from 1 to 65535")
            }
            port = value
        } else {
            port = scheme == .https ? 443 : 80
        }

        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.requestTarget = target
        self.ipAddress = try Self.loopbackAddress(for: String(host))
    }

    /// The socket address to connect to.
    func socketAddress() throws -> SocketAddress {
        try SocketAddress(ipAddress: ipAddress, port: port)
    }

    /// Maps the URL host to a loopback IP literal, or refuses it. No DNS lookup is made: `localhost` is the only
    /// name accepted, and it means 127.0.0.1.
    static func loopbackAddress(for host: String) throws(LoadError) -> String {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." {
            return "127.0.0.1"
        }
        if let octets = ipv4Octets(lowered) {
            guard octets[0] == 127 else { throw .notLoopback(host) }
            return octets.map(String.init).joined(separator: ".")
        }
        if lowered.contains(":") {
            // Only ::1 (in any spelling NIO accepts) and IPv4-mapped 127/8 are loopback.
            guard let address = try? SocketAddress(ipAddress: lowered, port: 0), case .v6(let v6) = address else {
                throw .invalidURL(host, reason: "not a valid IPv6 address")
            }
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            let isLoopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
            let isMappedLoopback =
                bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127
            guard isLoopback || isMappedLoopback else { throw .notLoopback(host) }
            return lowered
        }
        throw .notLoopback(host)
    }

    /// Parses strict dotted-quad IPv4 (four decimal parts, each 0...255, no leading zeros).
    private static func ipv4Octets(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                let value = Int(part), value <= 255, part == "0" || !part.hasPrefix("0")
            else { return nil }
            octets.append(value)
        }
        return octets
    }
}
