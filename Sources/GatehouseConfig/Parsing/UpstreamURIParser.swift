import IPNetwork

/// Parses an expanded integration URI into an upstream and a path template:
/// `http://host[:port][/path]`, `unix:/socket/path[:/path]`, or for HTTP/2 (gRPC) `h2c://host:port[/path]` and
/// `h2://host:port[/path]`. Placeholders `{name}` and `{proxy}` must name
/// parameters of the route.
enum UpstreamURIParser {
    static func parse(_ uri: String, route: RouteKey, resolvePath: (String) -> String) -> Result<
        UpstreamTarget, ValueError
    > {
        let upstream: Upstream
        let pathText: Substring
        if uri.hasPrefix("unix:") {
            let rest = uri.dropFirst("unix:".count)
            if let separator = rest.range(of: ":/") {
                upstream = .unix(path: resolvePath(String(rest[..<separator.lowerBound])))
                pathText = rest[rest.index(after: separator.lowerBound)...]
            } else {
                upstream = .unix(path: resolvePath(String(rest)))
                pathText = "/"
            }
            if rest.isEmpty || rest.hasPrefix(":") {
                return .failure(ValueError("integration uri \"\(uri)\" names no socket path after \"unix:\""))
            }
            if case .unix(let path) = upstream, path.contains("{") || path.contains("}") {
                return .failure(
                    ValueError(
                        "integration uri \"\(uri)\" has a placeholder in the socket path; separate the request path "
                            + "with \":\" as in \"unix:/run/app.sock:/path/{proxy}\""
                    )
                )
            }
        } else if uri.lowercased().hasPrefix("http://") {
            let rest = uri.dropFirst("http://".count)
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            switch parseAuthority(rest[..<authorityEnd]) {
            case .failure(let error):
                return .failure(ValueError("integration uri \"\(uri)\": \(error.message)"))
            case .success(let parsed):
                upstream = parsed
            }
            pathText = authorityEnd == rest.endIndex ? "/" : rest[authorityEnd...]
        } else if let scheme = ["h2c://", "h2://"].first(where: { uri.lowercased().hasPrefix($0) }) {
            let rest = uri.dropFirst(scheme.count)
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            switch parseAuthority(rest[..<authorityEnd]) {
            case .failure(let error):
                return .failure(ValueError("integration uri \"\(uri)\": \(error.message)"))
            case .success(.http(let host, let port)):
                guard rest[..<authorityEnd].hasSuffix(":\(port)") else {
                    return .failure(ValueError("integration uri \"\(uri)\" must name a port (\(scheme)host:port)"))
                }
                upstream = .http2(host: host, port: port, tls: scheme == "h2://")
            case .success(let other):
                upstream = other
            }
            pathText = authorityEnd == rest.endIndex ? "/" : rest[authorityEnd...]
        } else if uri.lowercased().hasPrefix("https://") {
            return .failure(
                ValueError(
                    "integration uri \"\(uri)\" uses https, which is not supported for upstreams; "
                        + "use http:// or unix: (the upstream is expected on the same host or private network)"
                )
            )
        } else {
            return .failure(
                ValueError("integration uri \"\(uri)\" must start with \"http://\", \"unix:\", \"h2c://\" or \"h2://\"")
            )
        }
        guard pathText.hasPrefix("/") else {
            return .failure(ValueError("integration uri \"\(uri)\" must have a path starting with \"/\""))
        }
        guard !pathText.contains("#") else {
            return .failure(ValueError("integration uri \"\(uri)\" must not contain a fragment (\"#\")"))
        }
        switch parseTemplate(pathText, route: route) {
        case .failure(let error):
            return .failure(ValueError("integration uri \"\(uri)\": \(error.message)"))
        case .success(let template):
            return .success(UpstreamTarget(upstream: upstream, pathTemplate: template, uri: uri))
        }
    }

    private static func parseAuthority(_ authority: Substring) -> Result<Upstream, ValueError> {
        let split: URLAuthority
        switch URLAuthority.split(authority) {
        case .success(let parts): split = parts
        case .failure(.userInformation): return .failure(ValueError("user information is not allowed"))
        case .failure(.unterminatedBracket): return .failure(ValueError("unterminated \"[\" in host"))
        case .failure(.textAfterBracket): return .failure(ValueError("unexpected text after \"]\""))
        case .failure(.emptyHost): return .failure(ValueError("invalid host \"\""))
        }
        let host = split.host
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else {
            return .failure(ValueError("invalid host \"\(host)\""))
        }
        var port = 80
        if let portText = split.portText {
            guard let value = URLAuthority.port(portText) else {
                return .failure(ValueError("invalid port \"\(portText)\" (1-65535)"))
            }
            port = value
        }
        return .success(.http(host: host.lowercased(), port: port))
    }

    private static func parseTemplate(_ text: Substring, route: RouteKey) -> Result<[UpstreamPathPart], ValueError> {
        var parts: [UpstreamPathPart] = []
        var rest = text
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                return .failure(ValueError("unterminated \"{\" in path"))
            }
            if open > rest.startIndex {
                parts.append(.literal(String(rest[..<open])))
            }
            var name = rest[rest.index(after: open)..<close]
            if name.hasSuffix("+") {
                name = name.dropLast()
            }
            guard let part = placeholder(String(name), route: route) else {
                let available = route.parameterNames.map { "{\($0)}" }.joined(separator: ", ")
                return .failure(
                    ValueError(
                        "placeholder \"\(rest[open...close])\" is not a parameter of route \"\(route)\""
                            + (available.isEmpty ? " (the route has none)" : " (it has \(available))")
                    )
                )
            }
            parts.append(part)
            rest = rest[rest.index(after: close)...]
        }
        guard !rest.contains("}") else {
            return .failure(ValueError("unmatched \"}\" in path"))
        }
        if !rest.isEmpty {
            parts.append(.literal(String(rest)))
        }
        return .success(parts)
    }

    private static func placeholder(_ name: String, route: RouteKey) -> UpstreamPathPart? {
        for segment in route.segments {
            switch segment {
            case .parameter(let parameter) where parameter == name: return .parameter(name)
            case .greedy(let parameter) where parameter == name: return .greedy(name)
            default: continue
            }
        }
        return nil
    }
}
