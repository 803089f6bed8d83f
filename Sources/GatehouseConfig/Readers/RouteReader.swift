import Yams

/// Reads an API's `routes`: route key, authorization override and integration.
struct RouteReader {
    static let knownKeys = ["route", "authorization", "integration", "api_key_required", "websocket"]

    let context: LoadContext
    let stages: [StageConfiguration]
    let defaultAuthorization: AuthorizationType
    /// The API's `api_key_required`.
    var defaultAPIKeyRequired = false

    func readAll(_ nodes: [Node], apiOwner: String) -> [RouteConfiguration] {
        var routes: [RouteConfiguration] = []
        var shapes: [String: (key: RouteKey, node: Node)] = [:]
        for (index, node) in nodes.enumerated() {
            guard let route = read(node, index: index, apiOwner: apiOwner) else {
                continue
            }
            let shape = Self.shape(of: route.key)
            if let earlier = shapes[shape] {
                context.report(
                    "duplicate route \"\(route.key)\" \(apiOwner) (same as \"\(earlier.key)\" at "
                        + "\(context.location(of: earlier.node)))",
                    at: node.mapping?["route"] ?? node)
                continue
            }
            shapes[shape] = (route.key, node.mapping?["route"] ?? node)
            routes.append(route)
        }
        return routes
    }

    private func read(_ node: Node, index: Int, apiOwner: String) -> RouteConfiguration? {
        let api = apiOwner.dropFirst("in ".count)
        let owner = node.peekText("route").map { "in route \"\($0)\" of \(api)" } ?? "in route #\(index + 1) of \(api)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else {
            return nil
        }
        let problemsBefore = context.problems.count
        var key: RouteKey?
        if let text = context.string(fields, "route", required: true) {
            switch RouteKeyParser.parse(text) {
            case .success(let parsed):
                key = parsed
            case .failure(let error):
                context.report(error.message + " \(apiOwner)", at: fields["route"])
            }
        }
        let authorization = context.choice(fields, "authorization", default: defaultAuthorization)
        let apiKeyRequired = context.bool(fields, "api_key_required", default: defaultAPIKeyRequired)
        var integration: IntegrationConfiguration?
        if let key {
            if let integrationNode = fields.present("integration") {
                integration = IntegrationReader(context: context, stages: stages)
                    .read(integrationNode, route: key, owner: "in the integration of route \"\(key)\" of \(api)")
            } else {
                context.reportMissing("integration", in: fields)
            }
        }
        let websocket = context.bool(fields, "websocket", default: false)
        if websocket, let key, let integration {
            checkWebSocket(key: key, integration: integration, fields: fields)
        }
        guard context.problems.count == problemsBefore, let key, let authorization, let integration else {
            return nil
        }
        return RouteConfiguration(
            key: key,
            authorization: authorization,
            integration: integration,
            websocket: websocket,
            location: context.location(of: node),
            apiKeyRequired: apiKeyRequired
        )
    }

    /// A WebSocket route forwards a GET (the opening handshake) to an HTTP/1.1 upstream.
    private func checkWebSocket(key: RouteKey, integration: IntegrationConfiguration, fields: MappingFields) {
        if key.method != .get && key.method != .any {
            context.report(
                "\"websocket\" \(fields.owner) needs a GET or ANY route (the opening handshake is a GET)",
                at: fields["websocket"])
        }
        guard case .httpProxy = integration else {
            context.report("\"websocket\" \(fields.owner) needs an HTTP_PROXY integration", at: fields["websocket"])
            return
        }
    }

    /// Routes that match the same requests have the same shape: parameter names do not matter.
    static func shape(of key: RouteKey) -> String {
        let segments = key.segments.map { segment -> String in
            switch segment {
            case .literal(let text): return "L" + text
            case .parameter: return "{}"
            case .greedy: return "{+}"
            }
        }
        return key.method.rawValue + " /" + segments.joined(separator: "/")
    }
}
