import IPNetwork

/// Parses `bind`: `host:port` with an IP literal or `localhost`, `[v6]:port`, or `unix:/path`.
enum BindAddressParser {
    /// `resolvePath` turns a relative unix socket path into one under the configuration's folder.
    static func parse(_ text: String, resolvePath: (String) -> String) -> Result<BindAddress, ValueError> {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else {
                return .failure(ValueError("bind \"\(text)\" names no socket path after \"unix:\""))
            }
            return .success(.unix(path: resolvePath(path)))
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(ValueError("bind \"\(text)\" must be \"[IPv6]:PORT\", \"HOST:PORT\" or \"unix:/path\""))
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                return .failure(ValueError("bind \"\(text)\" must be \"HOST:PORT\", \"[IPv6]:PORT\" or \"unix:/path\""))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port), portText.allSatisfy(\.isASCII) else {
            return .failure(ValueError("bind \"\(text)\" has an invalid port \"\(portText)\" (0-65535)"))
        }
        if host.lowercased() == "localhost" {
            return .success(.ip(IPAddress("127.0.0.1")!, port: port))
        }
        guard let address = IPAddress(host) else {
            return .failure(
                ValueError(
                    "bind \"\(text)\" must name an IP address or localhost, not \"\(host)\" (host names are not "
                        + "resolved)"
                )
            )
        }
        return .success(.ip(address, port: port))
    }
}
