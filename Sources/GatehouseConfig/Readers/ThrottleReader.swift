import Yams

/// Reads throttles (`{rate, burst, scope}`) and `route_throttles` mappings wherever they appear: top level, stages
/// and usage plans. Route keys are resolved against the API's routes by whoever knows them (``resolve(_:routes:)``).
struct ThrottleReader {
    static let knownKeys = ["rate", "burst", "scope"]

    /// A `route_throttles` entry before its route is known to exist.
    struct PendingRouteThrottle {
        let route: RouteKey
        let throttle: ThrottleConfiguration
        /// The entry's key, where a route the API lacks is reported.
        let node: Node
    }

    let context: LoadContext

    /// The throttle at `key` of `fields`, or nil when absent (or after reporting a problem).
    func read(_ fields: MappingFields, _ key: String) -> ThrottleConfiguration? {
        guard let node = fields.present(key) else { return nil }
        return read(node, owner: "in \"\(key)\" " + fields.owner)
    }

    func read(_ node: Node, owner: String) -> ThrottleConfiguration? {
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else { return nil }
        let rate = number(fields, "rate")
        let burst = context.integer(fields, "burst", default: nil, range: 0...1_000_000_000)
        let scope = context.choice(fields, "scope", default: ThrottleScope.instance)
        guard let rate, let burst, let scope else { return nil }
        return ThrottleConfiguration(rate: rate, burst: burst, scope: scope, location: context.location(of: node))
    }

    /// `route_throttles: {"METHOD /path": {rate, burst}}` of `fields`, in file order.
    func readRouteThrottles(_ fields: MappingFields) -> [PendingRouteThrottle] {
        guard let node = fields.present("route_throttles") else { return [] }
        guard case .mapping(let mapping) = node else {
            context.report(
                "\"route_throttles\" \(fields.owner) must be a mapping of route keys to throttles, not "
                    + "\(node.kindDescription)",
                at: node)
            return []
        }
        var result: [PendingRouteThrottle] = []
        var seen: [String: Node] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                context.report("keys of \"route_throttles\" \(fields.owner) must be route keys", at: keyNode)
                continue
            }
            let route: RouteKey
            switch RouteKeyParser.parse(keyScalar.string) {
            case .success(let parsed): route = parsed
            case .failure(let error):
                context.report(error.message + " in \"route_throttles\" \(fields.owner)", at: keyNode)
                continue
            }
            let shape = RouteReader.shape(of: route)
            if let earlier = seen[shape] {
                context.report(
                    "route \"\(route)\" is throttled twice in \"route_throttles\" \(fields.owner) (first at "
                        + "\(context.location(of: earlier)))",
                    at: keyNode)
                continue
            }
            seen[shape] = keyNode
            let owner = "in the route throttle \"\(route)\" " + fields.owner.dropFirst("in ".count)
            guard let throttle = read(valueNode, owner: owner) else { continue }
            result.append(PendingRouteThrottle(route: route, throttle: throttle, node: keyNode))
        }
        return result
    }

    /// The pending throttles whose route the API has, keyed by the route's own key; a route key naming no route of
    /// the API is reported at its position.
    func resolve(_ pending: [PendingRouteThrottle], routes: [RouteConfiguration], apiID: String)
        -> [RouteThrottleConfiguration]
    {
        let byShape = Dictionary(routes.map { (RouteReader.shape(of: $0.key), $0.key) }, uniquingKeysWith: { a, _ in a })
        return pending.compactMap { entry in
            guard let key = byShape[RouteReader.shape(of: entry.route)] else {
                context.report(
                    "route throttle \"\(entry.route)\" names no route of api \"\(apiID)\"", at: entry.node)
                return nil
            }
            return RouteThrottleConfiguration(route: key, throttle: entry.throttle)
        }
    }

    /// A rate: an integer or a decimal number, above 0 and at most 1e9 per second.
    private func number(_ fields: MappingFields, _ key: String) -> Double? {
        guard let node = fields.present(key) else {
            context.reportMissing(key, in: fields)
            return nil
        }
        let what = "\"\(key)\" \(fields.owner)"
        guard case .scalar = node, let text = context.text(of: node, what: what) else {
            if case .scalar = node {} else { context.report("\(what) must be a number, not \(node.kindDescription)", at: node) }
            return nil
        }
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite,
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "_") })
        else {
            context.report("\(what) must be a number of requests per second, found \"\(text)\"", at: node)
            return nil
        }
        guard value > 0, value <= 1_000_000_000 else {
            context.report("\(what) must be above 0 and at most 1000000000, found \(text)", at: node)
            return nil
        }
        return value
    }
}
