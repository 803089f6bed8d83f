import Yams

/// Reads `api_keys`: ids, values (from a file or the environment; never quoted in messages) and `enabled`.
struct APIKeyReader {
    static let knownKeys = ["id", "value_file", "value_env", "enabled"]
    /// API Gateway's bounds on a key's length.
    static let valueLengths = 20...128

    let context: LoadContext

    func readAll(_ nodes: [Node]) -> [APIKeyConfiguration] {
        var keys: [APIKeyConfiguration] = []
        var ids: [String: Node] = [:]
        var values: [String: (id: String, node: Node)] = [:]
        for (index, node) in nodes.enumerated() {
            guard let key = read(node, index: index) else { continue }
            let idNode = node.mapping?["id"] ?? node
            if let earlier = ids[key.id] {
                context.report(
                    "duplicate api key id \"\(key.id)\" (first at \(context.location(of: earlier)))", at: idNode)
                continue
            }
            ids[key.id] = idNode
            if let earlier = values[key.value.exposedValue] {
                context.report(
                    "api key \"\(key.id)\" has the same value as api key \"\(earlier.id)\" (at "
                        + "\(context.location(of: earlier.node)))",
                    at: node)
                continue
            }
            values[key.value.exposedValue] = (key.id, node)
            keys.append(key)
        }
        return keys
    }

    private func read(_ node: Node, index: Int) -> APIKeyConfiguration? {
        let owner = node.peekText("id").map { "in api key \"\($0)\"" } ?? "in api key #\(index + 1)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else { return nil }
        let problemsBefore = context.problems.count
        let id = context.string(fields, "id", required: true)
        if let id, !Self.isValidID(id) {
            context.report(
                "api key id \"\(id)\" must be 1-128 letters, digits, \"-\", \"_\" or \".\"", at: fields["id"])
        }
        let value = readValue(fields)
        let enabled = context.bool(fields, "enabled", default: true)
        guard context.problems.count == problemsBefore, let id, let value else { return nil }
        return APIKeyConfiguration(id: id, value: value, enabled: enabled, location: context.location(of: node))
    }

    /// Exactly one of `value_file` (content, trailing newline removed) or `value_env`; 20–128 printable ASCII
    /// characters, reported at the field that named it.
    private func readValue(_ fields: MappingFields) -> SecretValue? {
        let fileNode = fields.present("value_file")
        let envNode = fields.present("value_env")
        let text: String
        let node: Node
        switch (fileNode, envNode) {
        case (nil, nil):
            context.report("missing \"value_file\" or \"value_env\" \(fields.owner)", at: fields.node)
            return nil
        case (.some, .some(let envNode)):
            context.report("set only one of \"value_file\" and \"value_env\" \(fields.owner)", at: envNode)
            return nil
        case (.some(let fileNode), nil):
            let what = "\"value_file\" \(fields.owner)"
            guard let file = context.file(fields, "value_file", required: true),
                var read = context.readText(of: file, what: what, at: fileNode)
            else { return nil }
            while read.hasSuffix("\n") || read.hasSuffix("\r") || read.hasSuffix("\r\n") {
                read.removeLast()
            }
            text = read
            node = fileNode
        case (nil, .some(let envNode)):
            let what = "\"value_env\" \(fields.owner)"
            guard let name = context.text(of: envNode, what: what) else { return nil }
            guard EnvironmentExpander.isEnvironmentName(name) else {
                context.report("\(what) must name an environment variable, found \"\(name)\"", at: envNode)
                return nil
            }
            guard let value = context.environment[name] else {
                context.report("environment variable \(name) named by \(what) is not set", at: envNode)
                return nil
            }
            text = value
            node = envNode
        }
        let printable = text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        guard printable, Self.valueLengths.contains(text.utf8.count) else {
            // The value is secret: say what is wrong with it, never what it is.
            context.report(
                "the value of api key \(fields.owner.dropFirst("in api key ".count)) must be 20-128 printable ASCII "
                    + "characters without spaces, found \(text.utf8.count) "
                    + (printable ? "characters" : "bytes, not all of them printable"),
                at: node)
            return nil
        }
        return SecretValue(text)
    }

    static func isValidID(_ id: String) -> Bool {
        (1...128).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
