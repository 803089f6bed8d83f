/// Parses a route key, `METHOD /path` with `{param}` segments and an optional final `{name+}`.
enum RouteKeyParser {
    static func parse(_ text: String) -> Result<RouteKey, ValueError> {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            return .failure(ValueError("route \"\(text)\" must be \"METHOD /path\""))
        }
        guard let method = RouteMethod(rawValue: String(parts[0])) else {
            let allowed = RouteMethod.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(ValueError("route \"\(text)\" has unknown method \"\(parts[0])\" (one of \(allowed))"))
        }
        let path = parts[1]
        guard path.hasPrefix("/") else {
            return .failure(ValueError("route \"\(text)\" must have a path starting with \"/\""))
        }
        if path == "/" {
            return .success(RouteKey(method: method, segments: []))
        }
        var segments: [RouteKeySegment] = []
        var names: Set<String> = []
        let rawSegments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, raw) in rawSegments.enumerated() {
            guard !raw.isEmpty else {
                return .failure(ValueError("route \"\(text)\" has an empty path segment"))
            }
            let segment: RouteKeySegment
            switch parseSegment(raw) {
            case .failure(let error):
                return .failure(ValueError("route \"\(text)\": \(error.message)"))
            case .success(let parsed):
                segment = parsed
            }
            switch segment {
            case .literal:
                break
            case .greedy(let name), .parameter(let name):
                if case .greedy = segment, index != rawSegments.count - 1 {
                    return .failure(ValueError("route \"\(text)\": \"{\(name)+}\" must be the last segment"))
                }
                guard names.insert(name).inserted else {
                    return .failure(ValueError("route \"\(text)\" uses parameter \"\(name)\" twice"))
                }
            }
            segments.append(segment)
        }
        return .success(RouteKey(method: method, segments: segments))
    }

    private static func parseSegment(_ raw: Substring) -> Result<RouteKeySegment, ValueError> {
        if raw.hasPrefix("{") && raw.hasSuffix("}") && raw.count > 2 {
            var name = raw.dropFirst().dropLast()
            let greedy = name.hasSuffix("+")
            if greedy {
                name = name.dropLast()
            }
            guard isParameterName(name) else {
                return .failure(ValueError("invalid parameter \"\(raw)\" (names are letters, digits, _ and -)"))
            }
            return .success(greedy ? .greedy(String(name)) : .parameter(String(name)))
        }
        guard !raw.contains("{"), !raw.contains("}") else {
            return .failure(ValueError("segment \"\(raw)\" must be a literal or a whole \"{name}\""))
        }
        guard raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "?" && $0 != "#" }) else {
            return .failure(ValueError("segment \"\(raw)\" contains a character not allowed in a path"))
        }
        return .success(.literal(String(raw)))
    }

    static func isParameterName(_ name: Substring) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            }
    }
}
