import IPNetwork
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
        let split: URLAuthority
        switch URLAuthority.split(authority) {
        case .success(let parts): split = parts
        case .failure(.userInformation): throw .invalidURL(url, reason: "user information in the URL is not supported")
        case .failure(.unterminatedBracket): throw .invalidURL(url, reason: "unterminated IPv6 literal")
        case .failure(.textAfterBracket): throw .invalidURL(url, reason: "junk after the IPv6 literal")
        case .failure(.emptyHost): throw .invalidURL(url, reason: "no host")
        }
        let host = split.host

        let port: Int
        if let portText = split.portText {
            guard let value = URLAuthority.port(portText) else {
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
    /// name accepted, and it means 127.0.0.1. Addresses are read by `IPNetwork`, with its strict dotted quad.
    static func loopbackAddress(for host: String) throws(LoadError) -> String {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." {
            return "127.0.0.1"
        }
        guard let address = IPAddress(lowered) else {
            if lowered.contains(":") { throw .invalidURL(host, reason: "not a valid IPv6 address") }
            throw .notLoopback(host)
        }
        // 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8.
        guard address.isLoopback else { throw .notLoopback(host) }
        return lowered.contains(":") ? lowered : address.description
    }
}
