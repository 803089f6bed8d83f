/// The host and port of a URL's authority (`host`, `host:port`, `[v6]`, `[v6]:port`), split one way for every URL
/// Gatehouse reads: integration URIs in the configuration and gatehouse-load's target.
public struct URLAuthority: Sendable, Equatable {
    /// The host, brackets of an IPv6 literal removed; never empty.
    public let host: Substring
    /// The port as written after the colon, when there is one; callers check it with ``port(_:)``.
    public let portText: Substring?

    public enum Problem: Error, Sendable, Equatable {
        /// `user@host`: credentials in a URL are refused.
        case userInformation
        /// `[` without its `]`.
        case unterminatedBracket
        /// Something other than `:port` after `]`.
        case textAfterBracket
        case emptyHost
    }

    /// A port number from 1 to 65535, or nil.
    public static func port(_ text: Substring) -> Int? {
        guard let port = Int(text), (1...65535).contains(port) else { return nil }
        return port
    }

    public static func split(_ authority: Substring) -> Result<URLAuthority, Problem> {
        guard !authority.contains("@") else { return .failure(.userInformation) }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.unterminatedBracket) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.textAfterBracket) }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return .failure(.emptyHost) }
        return .success(URLAuthority(host: host, portText: portText))
    }
}
