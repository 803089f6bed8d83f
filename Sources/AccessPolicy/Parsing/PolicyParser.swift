import GatehouseBytes

/// Turns a policy document into compiled statements, rejecting anything it does not understand exactly.
///
/// It knows the API the policy is attached to (region, account, API id) because API Gateway's
/// `execute-api:/STAGE/METHOD/PATH` shorthand expands to that API's ARN.
struct PolicyParser {
    static let variableVersion = "2012-10-17"
    static let versions: Set<String> = ["2012-10-17", "2008-10-17"]

    let region: String
    let accountID: String
    let apiID: String
    /// Policy variables are substituted only under Version 2012-10-17, as in IAM.
    private(set) var variables = false

    init(region: String, accountID: String, apiID: String) {
        self.region = region
        self.accountID = accountID
        self.apiID = apiID
    }

    struct Result {
        var version: String?
        var id: String?
        var statements: [PolicyStatement]
    }

    mutating func parse(_ document: JSONValue) throws(PolicyError) -> Result {
        guard case .object(let members) = document.kind else {
            throw .invalid("a policy must be a JSON object, not \(document.typeName)", at: document.position)
        }
        var result = Result(statements: [])
        var statementValue: JSONValue?
        for member in members {
            switch member.key {
            case "Version":
                guard case .string(let version) = member.value.kind, Self.versions.contains(version) else {
                    throw .invalid("Version must be \"2012-10-17\" or \"2008-10-17\"", at: member.value.position)
                }
                result.version = version
            case "Id":
                guard case .string(let id) = member.value.kind else {
                    throw .invalid("Id must be a string", at: member.value.position)
                }
                result.id = id
            case "Statement":
                statementValue = member.value
            default:
                throw .invalid(
                    "unknown policy element \"\(member.key)\" (expected Version, Id, Statement)",
                    at: member.keyPosition)
            }
        }
        variables = result.version == Self.variableVersion
        guard let statementValue else { throw .invalid("the policy has no Statement", at: document.position) }
        let statementValues: [JSONValue]
        switch statementValue.kind {
        case .object: statementValues = [statementValue]
        case .array(let elements): statementValues = elements
        default:
            throw .invalid("Statement must be an object or an array of objects", at: statementValue.position)
        }
        guard !statementValues.isEmpty else {
            throw .invalid("Statement must not be empty", at: statementValue.position)
        }
        var sids: Set<String> = []
        for (offset, value) in statementValues.enumerated() {
            let statement = try parseStatement(value, number: offset + 1)
            if let sid = statement.sid {
                guard sids.insert(sid).inserted else {
                    throw .invalid(
                        "duplicate Sid \"\(sid)\" (Sids must be unique)",
                        statement: "statement \(offset + 1) (\"\(sid)\")", at: value.position)
                }
            }
            result.statements.append(statement.compiled)
        }
        return result
    }

    private func parseStatement(
        _ value: JSONValue, number: Int
    ) throws(PolicyError) -> (sid: String?, compiled: PolicyStatement) {
        guard case .object(let members) = value.kind else {
            throw .invalid(
                "must be an object, not \(value.typeName)", statement: "statement \(number)",
                at: value.position)
        }
        var sid: String?
        if let sidMember = members.first(where: { $0.key == "Sid" }) {
            guard case .string(let text) = sidMember.value.kind else {
                throw .invalid("Sid must be a string", statement: "statement \(number)", at: sidMember.value.position)
            }
            sid = text.isEmpty ? nil : text
        }
        let label = sid.map { "statement \(number) (\"\($0)\")" } ?? "statement \(number)"
        func fail(_ reason: String, _ position: JSONPosition?) -> PolicyError {
            .invalid(reason, statement: label, at: position)
        }

        var effect: Effect?
        var principal: (JSONMember, negated: Bool)?
        var action: (JSONMember, negated: Bool)?
        var resource: (JSONMember, negated: Bool)?
        var condition: JSONMember?
        for member in members {
            switch member.key {
            case "Sid":
                break
            case "Effect":
                guard case .string(let text) = member.value.kind, let parsed = Effect(rawValue: text) else {
                    throw fail("Effect must be \"Allow\" or \"Deny\"", member.value.position)
                }
                effect = parsed
            case "Principal", "NotPrincipal":
                guard principal == nil else { throw fail("has both Principal and NotPrincipal", member.keyPosition) }
                principal = (member, member.key == "NotPrincipal")
            case "Action", "NotAction":
                guard action == nil else { throw fail("has both Action and NotAction", member.keyPosition) }
                action = (member, member.key == "NotAction")
            case "Resource", "NotResource":
                guard resource == nil else { throw fail("has both Resource and NotResource", member.keyPosition) }
                resource = (member, member.key == "NotResource")
            case "Condition":
                condition = member
            default:
                throw fail(
                    "unknown statement element \"\(member.key)\" (expected Sid, Effect, Principal, NotPrincipal, "
                        + "Action, NotAction, Resource, NotResource, Condition)", member.keyPosition)
            }
        }
        guard let effect else { throw fail("Effect is missing", value.position) }
        guard let principal else {
            throw fail(
                "Principal or NotPrincipal is missing (a resource policy must name who it applies to)",
                value.position)
        }
        guard let action else { throw fail("Action or NotAction is missing", value.position) }
        guard let resource else { throw fail("Resource or NotResource is missing", value.position) }

        let principals: PrincipalSet
        let actions: [WildcardPattern]
        let resources: [ARNPattern]
        let conditions: [ConditionClause]
        do throws(PatternError) {
            principals = try parsePrincipal(principal.0)
            actions = try parseActions(principal: principal.0, action.0)
            resources = try parseResources(resource.0)
            conditions = try condition.map { member throws(PatternError) in try parseCondition(member.value) } ?? []
        } catch {
            throw fail(error.message, error.position)
        }
        let compiled = PolicyStatement(
            label: sid ?? "statement \(number)", effect: effect,
            principals: principals, principalsNegated: principal.negated,
            actions: actions, actionsNegated: action.negated,
            resources: resources, resourcesNegated: resource.negated,
            conditions: conditions)
        return (sid, compiled)
    }

    /// A string or a non-empty array of strings (Action, Resource, principal lists).
    func strings(_ member: JSONMember) throws(PatternError) -> [(String, JSONPosition?)] {
        switch member.value.kind {
        case .string(let text):
            return [(text, member.value.position)]
        case .array(let elements):
            guard !elements.isEmpty else {
                throw PatternError("\(member.key) must not be empty", at: member.value.position)
            }
            var result: [(String, JSONPosition?)] = []
            for element in elements {
                guard case .string(let text) = element.kind else {
                    throw PatternError(
                        "\(member.key) values must be strings, not \(element.typeName)",
                        at: element.position)
                }
                result.append((text, element.position))
            }
            return result
        default:
            throw PatternError("\(member.key) must be a string or an array of strings", at: member.value.position)
        }
    }

    private func parseActions(principal: JSONMember, _ member: JSONMember) throws(PatternError) -> [WildcardPattern] {
        var patterns: [WildcardPattern] = []
        for (text, position) in try strings(member) {
            if text != "*" {
                guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
                    text.index(after: colon) != text.endIndex, !text.contains(" ")
                else {
                    throw PatternError(
                        "action \"\(text)\" must be \"*\" or \"service:action\" (e.g. execute-api:Invoke)",
                        at: position)
                }
            }
            patterns.append(WildcardPattern(text, caseInsensitive: true))
        }
        return patterns
    }

    private func parseResources(_ member: JSONMember) throws(PatternError) -> [ARNPattern] {
        var patterns: [ARNPattern] = []
        for (text, position) in try strings(member) {
            let expanded = ExecuteAPIARN.expandShorthand(text, region: region, accountID: accountID, apiID: apiID)
            do throws(PatternError) {
                patterns.append(try ARNPattern(expanded, variables: variables))
            } catch {
                throw PatternError("resource " + error.message, at: position)
            }
        }
        return patterns
    }
}
