import Yams

/// The fields of one YAML mapping, looked up by key, with the phrase that names their owner in messages.
///
/// Built by `LoadContext.fields(of:owner:known:)`, which has already reported unknown and duplicate keys.
struct MappingFields {
    /// Names the owner in messages, preposition included: `in listener "https"`, `at top level`.
    let owner: String
    /// The mapping node (its position is used for missing fields).
    let node: Node
    private let entries: [String: (key: Node, value: Node)]

    init(owner: String, node: Node, entries: [String: (key: Node, value: Node)]) {
        self.owner = owner
        self.node = node
        self.entries = entries
    }

    /// The value node of a key, or nil when absent.
    subscript(key: String) -> Node? {
        entries[key]?.value
    }

    /// The key node of a key (for positions that should point at the field name), or nil when absent.
    func keyNode(_ key: String) -> Node? {
        entries[key]?.key
    }

    /// The value of a key, or nil when absent or null (`key: null`, `key: ~`, `key:`).
    func present(_ key: String) -> Node? {
        guard let value = entries[key]?.value, !value.isNullScalar else {
            return nil
        }
        return value
    }
}
