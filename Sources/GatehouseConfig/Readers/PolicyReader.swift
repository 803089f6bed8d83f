import Yams

/// Reads an API's `policy`: a path to an IAM JSON file, an inline YAML mapping (converted to JSON), or an inline
/// JSON string. The JSON is parsed later by the AccessPolicy module, which reports at `documentLocation`.
struct PolicyReader {
    let context: LoadContext

    /// `key` is the `policy` key node: an inline mapping is located there (its value starts on the next line).
    func read(_ node: Node?, key: Node?, owner: String) -> PolicyDocumentSource? {
        guard let node else {
            return nil
        }
        let location = context.location(of: node)
        let what = "\"policy\" \(owner)"
        switch node {
        case .mapping:
            let expander = EnvironmentExpander(environment: context.environment)
            var unset: Set<String> = []
            let json = JSONText.from(node) { text in
                let expansion = expander.expand(text)
                for case .unset(let name) in expansion.failures {
                    unset.insert(name)
                }
                return expansion.text
            }
            for name in unset.sorted() {
                context.report("environment variable \(name) is not set (used by \(what))", at: node)
            }
            return PolicyDocumentSource(json: json, origin: .inline, location: context.location(of: key ?? node))
        case .sequence:
            context.report("\(what) must be a file path or a mapping, not a list", at: node)
            return nil
        case .scalar:
            guard let text = context.text(of: node, what: what) else {
                return nil
            }
            if text.trimmingPrefixWhitespace.hasPrefix("{") {
                return PolicyDocumentSource(json: text, origin: .inline, location: location)
            }
            guard !text.isEmpty else {
                context.report("\(what) must name a file, found an empty string", at: node)
                return nil
            }
            let path = context.resolvePath(text)
            guard context.checkReadableFile(path, what: what, at: node) else {
                return nil
            }
            let file = ConfiguredFile(path: path, location: location)
            guard let json = context.readText(of: file, what: what, at: node) else {
                return nil
            }
            return PolicyDocumentSource(json: json, origin: .file(path: path), location: location)
        }
    }
}

extension String {
    fileprivate var trimmingPrefixWhitespace: Substring {
        self.drop { $0.isWhitespace }
    }
}
