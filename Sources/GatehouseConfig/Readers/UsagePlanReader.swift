import Foundation
import Yams

/// Reads `usage_plans`: throttle, quota, the API stages covered (with per-route throttles) and consumers. Every name a
/// plan uses — API, stage, route, API key — must exist; a wrong one is reported at its position.
struct UsagePlanReader {
    static let knownKeys = ["id", "throttle", "quota", "api_stages", "consumers"]
    static let quotaKeys = ["limit", "period", "offset"]
    static let stageKeys = ["api", "stage", "route_throttles"]
    static let consumerKeys = ["api_keys", "principals", "clients"]

    let context: LoadContext
    let apis: [APIConfiguration]
    let apiKeyIDs: Set<String>

    func readAll(_ nodes: [Node]) -> [UsagePlanConfiguration] {
        var plans: [UsagePlanConfiguration] = []
        var ids: [String: Node] = [:]
        for (index, node) in nodes.enumerated() {
            guard let plan = read(node, index: index) else { continue }
            let idNode = node.mapping?["id"] ?? node
            if let earlier = ids[plan.id] {
                context.report(
                    "duplicate usage plan id \"\(plan.id)\" (first at \(context.location(of: earlier)))", at: idNode)
                continue
            }
            ids[plan.id] = idNode
            plans.append(plan)
        }
        return plans
    }

    private func read(_ node: Node, index: Int) -> UsagePlanConfiguration? {
        let owner = node.peekText("id").map { "in usage plan \"\($0)\"" } ?? "in usage plan #\(index + 1)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else { return nil }
        let problemsBefore = context.problems.count
        let id = context.string(fields, "id", required: true)
        if let id, !APIKeyReader.isValidID(id) {
            context.report(
                "usage plan id \"\(id)\" must be 1-128 letters, digits, \"-\", \"_\" or \".\"", at: fields["id"])
        }
        let throttle = ThrottleReader(context: context).read(fields, "throttle")
        let quota = readQuota(fields)
        let stages = context.list(fields, "api_stages").enumerated().compactMap { readStage($1, index: $0, owner) }
        let consumers = readConsumers(fields)
        guard context.problems.count == problemsBefore, let id else { return nil }
        return UsagePlanConfiguration(
            id: id, throttle: throttle, quota: quota, apiStages: stages, consumers: consumers ?? UsagePlanConsumers(),
            location: context.location(of: node))
    }

    private func readQuota(_ fields: MappingFields) -> QuotaConfiguration? {
        guard let node = fields.present("quota") else { return nil }
        guard let quota = context.fields(of: node, owner: "in \"quota\" " + fields.owner, known: Self.quotaKeys) else {
            return nil
        }
        let limit = context.integer(quota, "limit", default: nil, range: 0...Int(Int32.max) * 1000)
        let period = context.choice(quota, "period", default: nil as QuotaConfiguration.Period?)
        let offset = context.integer(quota, "offset", default: 0, range: 0...Int(Int32.max) * 1000)
        guard let limit, let period, let offset else { return nil }
        if offset > limit {
            context.report(
                "\"offset\" in \"quota\" \(fields.owner) must not exceed \"limit\" (\(limit)), found \(offset)",
                at: quota["offset"])
            return nil
        }
        return QuotaConfiguration(limit: limit, period: period, offset: offset)
    }

    private func readStage(_ node: Node, index: Int, _ planOwner: String) -> UsagePlanStageConfiguration? {
        let owner = "in api stage #\(index + 1) of " + planOwner.dropFirst("in ".count)
        guard let fields = context.fields(of: node, owner: owner, known: Self.stageKeys) else { return nil }
        let apiID = context.string(fields, "api", required: true)
        let stage = context.string(fields, "stage", required: true)
        let throttles = ThrottleReader(context: context)
        let pending = throttles.readRouteThrottles(fields)
        guard let apiID, let stage else { return nil }
        guard let api = apis.first(where: { $0.id == apiID }) else {
            context.report("\(planOwner.dropFirst("in ".count)) names api \"\(apiID)\", which is not configured", at: fields["api"])
            return nil
        }
        guard api.stage(named: stage) != nil else {
            context.report(
                "\(planOwner.dropFirst("in ".count)) names stage \"\(stage)\", which api \"\(apiID)\" does not have",
                at: fields["stage"])
            return nil
        }
        let routeThrottles = throttles.resolve(pending, routes: api.routes, apiID: apiID)
        return UsagePlanStageConfiguration(api: apiID, stage: stage, routeThrottles: routeThrottles)
    }

    private func readConsumers(_ fields: MappingFields) -> UsagePlanConsumers? {
        guard let node = fields.present("consumers") else { return nil }
        let owner = "in \"consumers\" " + fields.owner
        guard let consumers = context.fields(of: node, owner: owner, known: Self.consumerKeys) else { return nil }
        var keys: [String] = []
        for item in context.stringList(consumers, "api_keys") {
            guard apiKeyIDs.contains(item.text) else {
                context.report("\(owner.dropFirst("in \"consumers\" in ".count)) names api key \"\(item.text)\", which is not configured", at: item.node)
                continue
            }
            if keys.contains(item.text) {
                context.report("api key \"\(item.text)\" is listed twice \(owner)", at: item.node)
                continue
            }
            keys.append(item.text)
        }
        var principals: [String] = []
        for item in context.stringList(consumers, "principals") {
            guard item.text.hasPrefix("arn:") || item.text == "*" else {
                context.report(
                    "\"\(item.text)\" in \"principals\" \(owner) must be a principal ARN pattern such as "
                        + "\"arn:aws:iam::123456789012:role/orders-*\"",
                    at: item.node)
                continue
            }
            principals.append(item.text)
        }
        var clients: [String] = []
        for item in context.stringList(consumers, "clients") {
            guard !item.text.trimmingCharacters(in: .whitespaces).isEmpty else {
                context.report("an item of \"clients\" \(owner) must not be empty", at: item.node)
                continue
            }
            clients.append(item.text)
        }
        return UsagePlanConsumers(apiKeys: keys, principals: principals, clients: clients)
    }
}
