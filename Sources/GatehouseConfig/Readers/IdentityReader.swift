import Yams

/// Reads `identities`: SigV4 access keys with their secrets and principals. Secrets never appear in messages.
struct IdentityReader {
    static let knownKeys = [
        "access_key_id", "secret_access_key_file", "secret_access_key_env", "principal", "session_token", "tags",
    ]

    let context: LoadContext

    func readAll(_ nodes: [Node]) -> [IdentityConfiguration] {
        var identities: [IdentityConfiguration] = []
        var seen: [String: Node] = [:]
        for (index, node) in nodes.enumerated() {
            guard let identity = read(node, index: index) else {
                continue
            }
            if let earlier = seen[identity.accessKeyID] {
                context.report(
                    "duplicate access key id \"\(identity.accessKeyID)\" (first at \(context.location(of: earlier)))",
                    at: node.mapping?["access_key_id"] ?? node)
                continue
            }
            seen[identity.accessKeyID] = node.mapping?["access_key_id"] ?? node
            identities.append(identity)
        }
        return identities
    }

    private func read(_ node: Node, index: Int) -> IdentityConfiguration? {
        let owner = node.peekText("access_key_id").map { "in identity \"\($0)\"" } ?? "in identity #\(index + 1)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else {
            return nil
        }
        let problemsBefore = context.problems.count
        let accessKeyID = context.string(fields, "access_key_id", required: true)
        if let accessKeyID, !Self.isValidAccessKeyID(accessKeyID) {
            context.report(
                "access key id \"\(accessKeyID)\" must be 1-128 letters and digits", at: fields["access_key_id"])
        }
        let secret = readSecret(fields)
        let principal = context.string(fields, "principal", required: true)
        var principalAccount: String?
        if let principal {
            let parts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            if parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty {
                principalAccount = parts[4].isEmpty ? nil : String(parts[4])
            } else {
                context.report(
                    "\"principal\" \(owner) must be an ARN such as \"arn:aws:iam::123456789012:user/alice\", "
                        + "found \"\(principal)\"",
                    at: fields["principal"])
            }
        }
        var sessionToken: SecretValue?
        if let node = fields.present("session_token") {
            // The value is secret: never quote it in a message.
            if let token = context.text(of: node, what: "\"session_token\" \(owner)") {
                if token.isEmpty {
                    context.report("\"session_token\" \(owner) is empty; remove it or set a value", at: node)
                }
                sessionToken = SecretValue(token)
            }
        }
        var tags: [String: String] = [:]
        for tag in context.stringMap(fields, "tags") {
            tags[tag.key] = tag.value
        }
        guard context.problems.count == problemsBefore, let accessKeyID, let secret, let principal else {
            return nil
        }
        return IdentityConfiguration(
            accessKeyID: accessKeyID,
            secretAccessKey: secret,
            principal: principal,
            principalAccount: principalAccount,
            sessionToken: sessionToken,
            tags: tags,
            location: context.location(of: node)
        )
    }

    /// Exactly one of `secret_access_key_file` (content, trailing newline removed) or `secret_access_key_env`.
    private func readSecret(_ fields: MappingFields) -> SecretValue? {
        let fileNode = fields.present("secret_access_key_file")
        let envNode = fields.present("secret_access_key_env")
        switch (fileNode, envNode) {
        case (nil, nil):
            context.report(
                "missing \"secret_access_key_file\" or \"secret_access_key_env\" \(fields.owner)", at: fields.node)
            return nil
        case (.some, .some(let envNode)):
            context.report(
                "set only one of \"secret_access_key_file\" and \"secret_access_key_env\" \(fields.owner)",
                at: envNode)
            return nil
        case (.some(let fileNode), nil):
            let what = "\"secret_access_key_file\" \(fields.owner)"
            guard let file = context.file(fields, "secret_access_key_file", required: true),
                var text = context.readText(of: file, what: what, at: fileNode)
            else {
                return nil
            }
            while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") {
                text.removeLast()
            }
            guard !text.isEmpty else {
                context.report("file \(file.path) named by \(what) is empty", at: fileNode)
                return nil
            }
            return SecretValue(text)
        case (nil, .some(let envNode)):
            let what = "\"secret_access_key_env\" \(fields.owner)"
            guard let name = context.text(of: envNode, what: what) else {
                return nil
            }
            guard EnvironmentExpander.isEnvironmentName(name) else {
                context.report("\(what) must name an environment variable, found \"\(name)\"", at: envNode)
                return nil
            }
            guard let value = context.environment[name], !value.isEmpty else {
                context.report("environment variable \(name) named by \(what) is not set or empty", at: envNode)
                return nil
            }
            return SecretValue(value)
        }
    }

    static func isValidAccessKeyID(_ id: String) -> Bool {
        (1...128).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
