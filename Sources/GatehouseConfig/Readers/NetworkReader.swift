import IPNetwork
import Yams

/// Reads `networks`: named source networks (emulated VPC endpoints).
struct NetworkReader {
    static let knownKeys = ["id", "vpc", "cidrs"]

    let context: LoadContext

    func readAll(_ nodes: [Node]) -> [SourceNetwork] {
        var networks: [SourceNetwork] = []
        var seen: [String: Node] = [:]
        for (index, node) in nodes.enumerated() {
            guard let network = read(node, index: index) else {
                continue
            }
            if let earlier = seen[network.id] {
                context.report(
                    "duplicate network id \"\(network.id)\" (first at \(context.location(of: earlier)))",
                    at: node.mapping?["id"] ?? node)
                continue
            }
            seen[network.id] = node.mapping?["id"] ?? node
            networks.append(network)
        }
        return networks
    }

    private func read(_ node: Node, index: Int) -> SourceNetwork? {
        let owner = node.peekText("id").map { "in network \"\($0)\"" } ?? "in network #\(index + 1)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else {
            return nil
        }
        let id = context.string(fields, "id", required: true)
        if let id, !Self.isValidID(id) {
            context.report("network id \"\(id)\" must be letters, digits, \"-\", \"_\" or \".\"", at: fields["id"])
        }
        let vpc = context.string(fields, "vpc")
        var cidrs: [CIDR] = []
        let items = context.stringList(fields, "cidrs")
        if fields.present("cidrs") == nil {
            context.reportMissing("cidrs", in: fields)
        } else if items.isEmpty, case .sequence(let sequence)? = fields["cidrs"], sequence.isEmpty {
            context.report("\"cidrs\" \(owner) must list at least one CIDR", at: fields["cidrs"])
        }
        for item in items {
            if let cidr = CIDR(item.text) {
                cidrs.append(cidr)
            } else {
                context.report("invalid CIDR \"\(item.text)\" \(owner)", at: item.node)
            }
        }
        guard let id, Self.isValidID(id), cidrs.count == items.count, !cidrs.isEmpty else {
            return nil
        }
        return SourceNetwork(id: id, vpc: vpc, cidrs: cidrs)
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
