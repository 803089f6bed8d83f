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
        let hostEntries = readHosts(fields)
        let authorization = context.choice(fields, "authorization", default: AuthorizationType.awsIAM)
        let policy = PolicyReader(context: context)
            .read(fields.present("policy"), key: fields.keyNode("policy"), owner: owner)
        let apiKeyRequired = context.bool(fields, "api_key_required", default: false)
        let (readStages, pendingThrottles) = StageReader(context: context).readAllWithThrottles(
            fields, apiOwner: owner)
        let stageHosts = checkHostStages(hostEntries, stages: readStages, owner: owner)
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
            hosts: hostEntries.map(\.host),
            stageHosts: stageHosts,
            authorization: authorization,
            policy: policy,
            stages: stages,
            routes: routes,
            location: context.location(of: node),
            apiKeyRequired: apiKeyRequired
        )
    }

    /// One item of `hosts`: a plain host name, or `{host, stage}` pinning the stage, with the stage's node for
    /// positions.
    private struct HostEntry {
        let host: String
        let stage: (name: String, node: Node)?
    }

    /// Reads `hosts`: each item a host name or a mapping `{host: NAME, stage: STAGE}` (contract section 9: a request
    /// to such a host carries no stage prefix).
    private func readHosts(_ fields: MappingFields) -> [HostEntry] {
        var entries: [HostEntry] = []
        for item in context.list(fields, "hosts") {
            guard let (text, hostNode, stage) = readHostItem(item, fields: fields) else { continue }
            let host = text.lowercased()
            let valid =
                host.range(
                    of: #"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"#,
                    options: .regularExpression) != nil
            guard valid, host.count <= 253 else {
                context.report("\"\(text)\" in \"hosts\" \(fields.owner) is not a valid host name", at: hostNode)
                continue
            }
            if entries.contains(where: { $0.host == host }) {
                context.report("host \"\(text)\" is listed twice \(fields.owner)", at: hostNode)
                continue
            }
            entries.append(HostEntry(host: host, stage: stage))
        }
        return entries
    }

    private func readHostItem(_ item: Node, fields: MappingFields) -> (String, Node, (name: String, node: Node)?)? {
        guard case .mapping = item else {
            return context.text(of: item, what: "an item of \"hosts\" \(fields.owner)").map { ($0, item, nil) }
        }
        let owner = "in an item of \"hosts\" \(fields.owner)"
        guard let entry = context.fields(of: item, owner: owner, known: ["host", "stage"]) else { return nil }
        let host = context.string(entry, "host", required: true)
        let stage = context.string(entry, "stage", required: true)
        guard let host, let hostNode = entry.present("host"), let stage, let stageNode = entry.present("stage") else {
            return nil
        }
        return (host, hostNode, (stage, stageNode))
    }

    /// The `{host, stage}` entries as host → stage, after reporting stages the API does not have.
    private func checkHostStages(_ entries: [HostEntry], stages: [StageConfiguration], owner: String)
        -> [String: String]
    {
        var stageHosts: [String: String] = [:]
        for entry in entries {
            guard let stage = entry.stage else { continue }
            guard stages.contains(where: { $0.name == stage.name }) else {
                let known = stages.map { "\"\($0.name)\"" }.joined(separator: ", ")
                context.report(
                    "host \"\(entry.host)\" names unknown stage \"\(stage.name)\" \(owner) (stages: \(known.isEmpty ? "none" : known))",
                    at: stage.node)
                continue
            }
            stageHosts[entry.host] = stage.name
        }
        return stageHosts
    }

    static func isValidID(_ id: String) -> Bool {
        id.count == 10 && id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
