import Yams

/// Reads an API's `stages`: `{NAME: {variables: {...}, throttle: {...}, route_throttles: {...}}}`. Route throttles
/// are returned pending: the API's routes are read after its stages (`APIReader` resolves them).
struct StageReader {
    static let knownKeys = ["variables", "throttle", "route_throttles"]

    let context: LoadContext

    func readAll(_ apiFields: MappingFields, apiOwner: String) -> [StageConfiguration] {
        readAllWithThrottles(apiFields, apiOwner: apiOwner).stages
    }

    /// The stages, and each stage's `route_throttles` (by stage name) still to be checked against the routes.
    func readAllWithThrottles(_ apiFields: MappingFields, apiOwner: String) -> (
        stages: [StageConfiguration], pending: [String: [ThrottleReader.PendingRouteThrottle]]
    ) {
        var pending: [String: [ThrottleReader.PendingRouteThrottle]] = [:]
        let stages = readStages(apiFields, apiOwner: apiOwner, pending: &pending)
        return (stages, pending)
    }

    private func readStages(
        _ apiFields: MappingFields, apiOwner: String, pending: inout [String: [ThrottleReader.PendingRouteThrottle]]
    ) -> [StageConfiguration] {
        guard let node = apiFields.present("stages") else {
            context.report(
                "missing required field \"stages\" \(apiOwner) (requests name a stage as the first path segment)",
                at: apiFields.node)
            return []
        }
        guard case .mapping(let mapping) = node else {
            context.report(
                "\"stages\" \(apiOwner) must be a mapping of stage names, not \(node.kindDescription)",
                at: node)
            return []
        }
        if mapping.count == 0 {
            context.report("\"stages\" \(apiOwner) must define at least one stage", at: node)
        }
        var stages: [StageConfiguration] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                context.report("stage names \(apiOwner) must be strings", at: keyNode)
                continue
            }
            let name = keyScalar.string
            guard Self.isValidName(name) else {
                context.report(
                    "stage name \"\(name)\" \(apiOwner) must be letters, digits, \"-\" or \"_\" (at most 128)",
                    at: keyNode)
                continue
            }
            guard seen.insert(name).inserted else {
                context.report("duplicate stage \"\(name)\" \(apiOwner)", at: keyNode)
                continue
            }
            let owner = "in stage \"\(name)\" of " + apiOwner.dropFirst("in ".count)
            var variables: [String: String] = [:]
            var throttle: ThrottleConfiguration?
            if !valueNode.isNullScalar {
                guard let fields = context.fields(of: valueNode, owner: owner, known: Self.knownKeys) else {
                    continue
                }
                for variable in context.stringMap(fields, "variables") {
                    guard Self.isValidVariableName(variable.key) else {
                        context.report(
                            "stage variable name \"\(variable.key)\" \(owner) must be letters, digits or \"_\"",
                            at: variable.node)
                        continue
                    }
                    variables[variable.key] = variable.value
                }
                let throttles = ThrottleReader(context: context)
                throttle = throttles.read(fields, "throttle")
                pending[name] = throttles.readRouteThrottles(fields)
            }
            stages.append(
                StageConfiguration(
                    name: name, variables: variables, location: context.location(of: keyNode), throttle: throttle))
        }
        return stages
    }

    static func isValidName(_ name: String) -> Bool {
        (1...128).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }
    }

    static func isValidVariableName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
