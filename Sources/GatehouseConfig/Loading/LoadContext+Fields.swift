import Yams

extension LoadContext {
    /// The fields of a mapping node, after reporting unknown keys (with the closest known key), duplicate keys and
    /// non-string keys. Returns nil (after reporting) when the node is not a mapping.
    func fields(of node: Node, owner: String, known: [String]) -> MappingFields? {
        guard case .mapping(let mapping) = node else {
            report("expected a mapping \(owner), found \(node.kindDescription)", at: node)
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report("keys must be strings \(owner), found \(key.kindDescription)", at: key)
                continue
            }
            let name = scalar.string
            if let earlier = entries[name] {
                report("duplicate key \"\(name)\" \(owner) (first at \(location(of: earlier.key)))", at: key)
                continue
            }
            guard known.contains(name) else {
                var message = "unknown key \"\(name)\" \(owner)"
                if let suggestion = KeySuggestion.closest(to: name, in: known) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                report(message, at: key)
                continue
            }
            entries[name] = (key, value)
        }
        return MappingFields(owner: owner, node: node, entries: entries)
    }

    /// Reports a missing required field at the position of its mapping.
    func reportMissing(_ key: String, in fields: MappingFields) {
        report("missing required field \"\(key)\" \(fields.owner)", at: fields.node)
    }

    /// The text of a scalar value with `${NAME}` expanded; nil (after reporting) for a mapping, a list or an unset
    /// environment variable. `what` names the value in messages, e.g. `"bind" in listener "https"`.
    func text(of node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report("\(what) must be a string, not \(node.kindDescription)", at: node)
            return nil
        }
        let expansion = EnvironmentExpander(environment: environment).expand(scalar.string)
        for failure in expansion.failures {
            switch failure {
            case .unset(let name):
                report("environment variable \(name) is not set (used by \(what))", at: node)
            case .unterminated:
                report("unterminated \"${\" in \(what)", at: node)
            }
        }
        return expansion.failures.isEmpty ? expansion.text : nil
    }

    /// A string field: nil when absent or null (reporting it when required) or wrongly typed.
    func string(_ fields: MappingFields, _ key: String, required: Bool = false) -> String? {
        guard let node = fields.present(key) else {
            if required {
                reportMissing(key, in: fields)
            }
            return nil
        }
        return text(of: node, what: "\"\(key)\" \(fields.owner)")
    }

    /// An integer field within a range; the default when absent, nil after reporting a wrong value.
    func integer(_ fields: MappingFields, _ key: String, default defaultValue: Int?, range: ClosedRange<Int>) -> Int? {
        guard let node = fields.present(key) else {
            if defaultValue == nil {
                reportMissing(key, in: fields)
            }
            return defaultValue
        }
        let what = "\"\(key)\" \(fields.owner)"
        guard case .scalar(let scalar) = node else {
            report("\(what) must be an integer, not \(node.kindDescription)", at: node)
            return nil
        }
        let isInteger = node.resolvedTagName == Tag.Name.int.rawValue
        let expandable = node.resolvedTagName == Tag.Name.str.rawValue && scalar.string.contains("${")
        guard isInteger || expandable else {
            report("\(what) must be an integer, not \(node.kindDescription) \"\(scalar.string)\"", at: node)
            return nil
        }
        guard let text = text(of: node, what: what) else {
            return nil
        }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            report("\(what) must be a decimal integer, found \"\(text)\"", at: node)
            return nil
        }
        guard range.contains(value) else {
            report("\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: node)
            return nil
        }
        return value
    }

    /// A boolean field (`true`/`false`); the default when absent.
    func bool(_ fields: MappingFields, _ key: String, default defaultValue: Bool) -> Bool {
        guard let node = fields.present(key) else {
            return defaultValue
        }
        let what = "\"\(key)\" \(fields.owner)"
        guard case .scalar(let scalar) = node else {
            report("\(what) must be true or false, not \(node.kindDescription)", at: node)
            return defaultValue
        }
        var text = scalar.string
        if node.resolvedTagName == Tag.Name.str.rawValue, text.contains("${") {
            guard let expanded = self.text(of: node, what: what) else {
                return defaultValue
            }
            text = expanded
        } else if node.resolvedTagName != Tag.Name.bool.rawValue {
            report("\(what) must be true or false, found \(node.kindDescription) \"\(text)\"", at: node)
            return defaultValue
        }
        switch text.lowercased() {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default:
            report("\(what) must be true or false, found \"\(text)\"", at: node)
            return defaultValue
        }
    }

    /// One of an enumeration's raw values; the default when absent (nil and reported when required).
    func choice<Value: RawRepresentable & CaseIterable>(
        _ fields: MappingFields,
        _ key: String,
        default defaultValue: Value?
    ) -> Value? where Value.RawValue == String {
        guard let node = fields.present(key) else {
            if defaultValue == nil {
                reportMissing(key, in: fields)
            }
            return defaultValue
        }
        let what = "\"\(key)\" \(fields.owner)"
        guard let text = text(of: node, what: what) else {
            return nil
        }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            report("\(what) must be one of \(allowed), found \"\(text)\"", at: node)
            return nil
        }
        return value
    }

    /// The items of a list field (empty when absent or null); reports a value that is not a list.
    func list(_ fields: MappingFields, _ key: String, required: Bool = false) -> [Node] {
        guard let node = fields.present(key) else {
            if required {
                reportMissing(key, in: fields)
            }
            return []
        }
        guard case .sequence(let sequence) = node else {
            report("\"\(key)\" \(fields.owner) must be a list, not \(node.kindDescription)", at: node)
            return []
        }
        return Array(sequence)
    }

    /// A list of strings, each with its node (for positions); wrongly typed items are reported and skipped.
    func stringList(_ fields: MappingFields, _ key: String) -> [(text: String, node: Node)] {
        list(fields, key).compactMap { item in
            text(of: item, what: "an item of \"\(key)\" \(fields.owner)").map { ($0, item) }
        }
    }

    /// A mapping of string keys to string values (tags, headers, stage variables), in file order.
    func stringMap(_ fields: MappingFields, _ key: String) -> [(key: String, value: String, node: Node)] {
        guard let node = fields.present(key) else {
            return []
        }
        guard case .mapping(let mapping) = node else {
            report("\"\(key)\" \(fields.owner) must be a mapping, not \(node.kindDescription)", at: node)
            return []
        }
        var result: [(key: String, value: String, node: Node)] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                report("keys of \"\(key)\" \(fields.owner) must be strings", at: keyNode)
                continue
            }
            let name = keyScalar.string
            guard seen.insert(name).inserted else {
                report("duplicate key \"\(name)\" in \"\(key)\" \(fields.owner)", at: keyNode)
                continue
            }
            if valueNode.isNullScalar {
                report("\"\(key).\(name)\" \(fields.owner) must have a value", at: valueNode)
                continue
            }
            if let value = text(of: valueNode, what: "\"\(key).\(name)\" \(fields.owner)") {
                result.append((name, value, keyNode))
            }
        }
        return result
    }
}
