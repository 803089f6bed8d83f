import GatehouseConfig

/// The result of routing: which API, stage and route a request reached, with its path parameters.
public struct RouteMatch: Sendable {
    public let api: APIDefinition
    public let stage: String
    public let route: RouteDefinition
    /// Decoded path after the stage, the part the route matched: a slice of the normalized path's segments, not a
    /// copy of them.
    public let routePath: ArraySlice<String>
    /// `{name}` → decoded segment; `{name+}` → decoded segments joined with `/`... kept as segments for encoding (slices
    /// of `routePath`).
    public let parameters: [String: ArraySlice<String>]
}

/// The API a request selected and, when its Host is a `{host, stage}` entry of that API, the stage that host pins.
public struct APISelection: Sendable {
    public let api: APIDefinition
    /// nil: the stage is the path's first segment.
    public let stage: String?
}

/// Selects the API by Host or `x-apigw-api-id`, then the route by the contract's precedence: literal beats
/// `{param}` beats `{proxy+}`, compared segment by segment from the left, and an exact method beats `ANY`.
public struct Router: Sendable {
    private let apisByID: [String: APIDefinition]
    private let apisByHost: [String: APIDefinition]
    private let defaultAPI: APIDefinition?
    /// The two host suffixes after `.execute-api.` that name this region, lower-case.
    private let executeAPISuffixes: (public: String, vpce: String)

    public init(apis: [APIDefinition], region: String) {
        var byID: [String: APIDefinition] = [:]
        var byHost: [String: APIDefinition] = [:]
        for api in apis {
            byID[api.id] = api
            for host in api.hosts { byHost[host] = api }
        }
        self.apisByID = byID
        self.apisByHost = byHost
        self.defaultAPI = apis.count == 1 ? apis[0] : nil
        let region = region.lowercased()
        self.executeAPISuffixes = ("\(region).amazonaws.com", "\(region).vpce.amazonaws.com")
    }

    /// Picks the API: `x-apigw-api-id` first (as with API Gateway's VPC-endpoint DNS names), then the Host —
    /// `{id}.execute-api.{region}.amazonaws.com`, `{id}-{vpce}.execute-api.{region}.vpce.amazonaws.com`-style
    /// names or a custom host — then the only API when exactly one exists.
    public func selectAPI(host: String?, apiIDHeader: String?) -> APIDefinition? {
        select(host: host, apiIDHeader: apiIDHeader)?.api
    }

    /// As ``selectAPI(host:apiIDHeader:)``, with the stage pinned by the Host when it is a `{host, stage}` entry of
    /// the selected API (also when `x-apigw-api-id` selected that API).
    public func select(host: String?, apiIDHeader: String?) -> APISelection? {
        guard let api = pickAPI(host: host, apiIDHeader: apiIDHeader) else { return nil }
        guard !api.stageHosts.isEmpty, let host else { return APISelection(api: api, stage: nil) }
        return APISelection(api: api, stage: api.stageHosts[Router.stripPort(host).lowercased()])
    }

    private func pickAPI(host: String?, apiIDHeader: String?) -> APIDefinition? {
        if let apiIDHeader {
            return apisByID[apiIDHeader.lowercased()]
        }
        if let host {
            let name = Router.stripPort(host).lowercased()
            if let api = apisByHost[name] { return api }
            if let range = Router.executeAPIMarker(in: name) {
                let rest = name[range.upperBound...]
                let viaEndpoint = rest == executeAPISuffixes.vpce
                guard rest == executeAPISuffixes.public || viaEndpoint else { return nil }
                let label = name[..<range.lowerBound]
                let id = label.split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
                if let api = apisByID[id] { return api }
                if viaEndpoint, let defaultAPI { return defaultAPI }
                return nil
            }
        }
        return defaultAPI
    }

    /// The API with this id.
    public func api(id: String) -> APIDefinition? {
        apisByID[id]
    }

    /// Finds the route for a method and normalized path: the stage first, unless `stage` pins it (a `{host, stage}`
    /// host), when the route matches the whole path. nil means 404.
    public func match(api: APIDefinition, method: String, path: NormalizedPath, stage pinned: String? = nil)
        -> RouteMatch?
    {
        let stage: String
        let rest: ArraySlice<String>
        if let pinned {
            stage = pinned
            rest = path.segments[...]
        } else {
            guard let first = path.segments.first else { return nil }
            stage = first
            rest = path.segments.dropFirst()
        }
        guard let routes = api.stages[stage] else { return nil }
        var best: (route: RouteDefinition, parameters: [String: ArraySlice<String>])?
        for route in routes where route.method == method || route.method == "ANY" {
            guard let parameters = Router.bind(route.segments, to: rest) else { continue }
            if let current = best {
                if Router.precedes(route, current.route) { best = (route, parameters) }
            } else {
                best = (route, parameters)
            }
        }
        guard let best else { return nil }
        return RouteMatch(api: api, stage: stage, route: best.route, routePath: rest, parameters: best.parameters)
    }

    private static func bind(_ pattern: [RouteKeySegment], to path: ArraySlice<String>) -> [String: ArraySlice<String>]?
    {
        var parameters: [String: ArraySlice<String>] = [:]
        for (offset, segment) in pattern.enumerated() {
            let index = path.startIndex + offset
            switch segment {
            case .literal(let text):
                guard index < path.endIndex, path[index] == text else { return nil }
            case .parameter(let name):
                guard index < path.endIndex else { return nil }
                parameters[name] = path[index...index]
            case .greedy(let name):
                guard index < path.endIndex else { return nil }
                parameters[name] = path[index...]
                return parameters
            }
        }
        return pattern.count == path.count ? parameters : nil
    }

    /// Whether `candidate` is more specific than `current`.
    private static func precedes(_ candidate: RouteDefinition, _ current: RouteDefinition) -> Bool {
        for (a, b) in zip(candidate.segments, current.segments) where a.rank != b.rank {
            return a.rank > b.rank
        }
        if candidate.segments.count != current.segments.count {
            return candidate.segments.count > current.segments.count
        }
        return candidate.method != "ANY" && current.method == "ANY"
    }

    private static let executeAPIMarkerBytes = Array(".execute-api.".utf8)

    /// Where `.execute-api.` occurs in `name`: a byte scan, since most requests carry an IP address or a custom
    /// name and the generic substring search costs more than the rest of API selection.
    static func executeAPIMarker(in name: String) -> Range<String.Index>? {
        let marker = executeAPIMarkerBytes
        let bytes = name.utf8
        guard bytes.count >= marker.count else { return nil }
        var start = bytes.startIndex
        while let candidate = bytes[start...].firstIndex(of: marker[0]) {
            guard let end = bytes.index(candidate, offsetBy: marker.count, limitedBy: bytes.endIndex) else {
                return nil
            }
            if bytes[candidate..<end].elementsEqual(marker) { return candidate..<end }
            start = bytes.index(after: candidate)
        }
        return nil
    }

    /// The host without its port: `[v6]:port` → `v6`, `name:port` → `name`; a bare IPv6 address (two colons or
    /// more) is kept whole. Scans bytes: every delimiter here is ASCII.
    static func stripPort(_ host: String) -> Substring {
        let bytes = host.utf8
        if bytes.first == UInt8(ascii: "["), let end = bytes.firstIndex(of: UInt8(ascii: "]")) {
            return host[bytes.index(after: bytes.startIndex)..<end]
        }
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            !bytes[bytes.index(after: colon)...].contains(UInt8(ascii: ":"))
        {
            return host[..<colon]
        }
        return host[...]
    }
}
