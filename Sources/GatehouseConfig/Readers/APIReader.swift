import Yams

/// Reads `apis`: id, hosts, default authorization, resource policy, stages and routes.
struct APIReader {
    static let knownKeys = [
        "id", "name", "hosts", "authorization", "policy", "stages", "routes", "api_key_required",
    ]

    let context: LoadContext

    func readAll(_ nodes: [Node]) -> [APIConfiguration] {
        var apis: [APIConfiguration] = []
        var ids: [String: Node] = [:]
        var hosts: [String: Node] = [:]
        for (index, node) in nodes.enumerated() {
            guard let api = read(node, index: index) else {
                continue
            }
            if let earlier = ids[api.id] {
                context.report(
                    "duplicate api id \"\(api.id)\" (first at \(context.location(of: earlier)))",
                    at: node.mapping?["id"] ?? node)
                continue
            }
            ids[api.id] = node.mapping?["id"] ?? node
            for host in api.hosts {
                if let earlier = hosts[host] {
                    context.report(
                        "host \"\(host)\" of api \"\(api.id)\" is also a host of the api at "
                            + "\(context.location(of: earlier))",
                        at: node.mapping?["hosts"] ?? node)
                }
                hosts[host] = node
            }
            apis.append(api)
        }
        return apis
    }

    private func read(_ node: Node, index: Int) -> APIConfiguration? {
        let owner = node.peekText("id").map { "in api \"\($0)\"" } ?? "in api #\(index + 1)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else {
            return nil
        }
        let problemsBefore = context.problems.count
        let id = context.string(fields, "id", required: true)
        if let id, !Self.isValidID(id) {
            context.report(
                "api id \"\(id)\" must be 10 lowercase letters or digits, as in API Gateway", at: fields["id"])
        }
        let name = context.string(fields, "name")
        let hosts = readHosts(fields)
        let authorization = context.choice(fields, "authorization", default: AuthorizationType.awsIAM)
        let policy = PolicyReader(context: context)
            .read(fields.present("policy"), key: fields.keyNode("policy"), owner: owner)
        let apiKeyRequired = context.bool(fields, "api_key_required", default: false)
        let (readStages, pendingThrottles) = StageReader(context: context).readAllWithThrottles(
            fields, apiOwner: owner)
        let routes = RouteReader(
            context: context, stages: readStages, defaultAuthorization: authorization ?? .awsIAM,
            defaultAPIKeyRequired: apiKeyRequired
        )
        .readAll(context.list(fields, "routes"), apiOwner: owner)
        let throttles = ThrottleReader(context: context)
        let stages = readStages.map { stage in
            StageConfiguration(
                name: stage.name, variables: stage.variables, location: stage.location, throttle: stage.throttle,
                routeThrottles: throttles.resolve(pendingThrottles[stage.name] ?? [], routes: routes, apiID: id ?? ""))
        }
        guard context.problems.count == problemsBefore, let id, let authorization else {
            return nil
        }
        return APIConfiguration(
            id: id,
            name: name ?? id,
            hosts: hosts,
            authorization: authorization,
            policy: policy,
            stages: stages,
            routes: routes,
            location: context.location(of: node),
            apiKeyRequired: apiKeyRequired
        )
    }

    private func readHosts(_ fields: MappingFields) -> [String] {
        var hosts: [String] = []
        for item in context.stringList(fields, "hosts") {
            let host = item.text.lowercased()
            let valid =
                host.range(
                    of: #"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"#,
                    options: .regularExpression) != nil
            guard valid, host.count <= 253 else {
                context.report("\"\(item.text)\" in \"hosts\" \(fields.owner) is not a valid host name", at: item.node)
                continue
            }
            if hosts.contains(host) {
                context.report("host \"\(item.text)\" is listed twice \(fields.owner)", at: item.node)
                continue
            }
            hosts.append(host)
        }
        return hosts
    }

    static func isValidID(_ id: String) -> Bool {
        id.count == 10 && id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
