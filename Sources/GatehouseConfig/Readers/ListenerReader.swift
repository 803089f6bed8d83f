import IPNetwork
import Yams

/// Reads `listeners` and enforces the binding rules: TLS on every non-admin listener, internal addresses unless
/// `allow_public_bind`, loopback or unix only for the admin listener.
struct ListenerReader {
    static let knownKeys = [
        "name", "bind", "tls", "allow_sources", "proxy_protocol", "trusted_proxies", "allow_public_bind", "admin",
        "http2",
    ]

    let context: LoadContext
    /// Valid networks by id, for resolving `allow_sources`.
    let networks: [String: SourceNetwork]
    /// Every network id written in the file, valid or not: an entry naming an invalid network is not reported again.
    let declaredNetworkIDs: Set<String>

    init(context: LoadContext, networks: [SourceNetwork], declaredNetworkIDs: Set<String>) {
        self.context = context
        self.networks = Dictionary(networks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.declaredNetworkIDs = declaredNetworkIDs
    }

    func readAll(_ nodes: [Node], at listNode: Node?) -> [ListenerConfiguration] {
        if nodes.isEmpty, let listNode, case .sequence = listNode {
            context.report("\"listeners\" must list at least one listener", at: listNode)
        }
        var listeners: [ListenerConfiguration] = []
        var names: [String: Node] = [:]
        var binds: [BindAddress: Node] = [:]
        var adminCount = 0
        for (index, node) in nodes.enumerated() {
            guard let listener = read(node, index: index) else {
                continue
            }
            if let earlier = names[listener.name] {
                context.report(
                    "duplicate listener name \"\(listener.name)\" (first at \(context.location(of: earlier)))",
                    at: node.mapping?["name"] ?? node)
                continue
            }
            names[listener.name] = node.mapping?["name"] ?? node
            if let earlier = binds[listener.bind], !listener.bind.isEphemeralPort {
                context.report(
                    "listener \"\(listener.name)\" binds \(listener.bind), as does the listener at "
                        + "\(context.location(of: earlier))",
                    at: listener.bindLocation)
            }
            binds[listener.bind] = node
            if listener.isAdmin {
                adminCount += 1
                if adminCount > 1 {
                    context.report("only one listener may be the admin listener", at: node)
                }
            }
            listeners.append(listener)
        }
        return listeners
    }

    private func read(_ node: Node, index: Int) -> ListenerConfiguration? {
        let owner = node.peekText("name").map { "in listener \"\($0)\"" } ?? "in listener #\(index + 1)"
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else {
            return nil
        }
        let problemsBefore = context.problems.count
        let name = context.string(fields, "name", required: true)
        if let name, !Self.isValidName(name) {
            context.report(
                "listener name \"\(name)\" must be 1-255 letters, digits, \".\", \"_\" or \"-\" "
                    + "(it is the systemd FileDescriptorName)",
                at: fields["name"])
        }
        let isAdmin = context.bool(fields, "admin", default: false)
        let allowPublicBind = context.bool(fields, "allow_public_bind", default: false)
        let bind = readBind(fields, isAdmin: isAdmin, allowPublicBind: allowPublicBind)
        var tls: ListenerTLSConfiguration?
        if let tlsNode = fields.present("tls") {
            if isAdmin {
                context.report("the admin listener serves plaintext on loopback; remove \"tls\" \(owner)", at: tlsNode)
            } else {
                tls = TLSReader(context: context).read(tlsNode, listenerOwner: owner)
            }
        } else if !isAdmin {
            context.report(
                "missing required field \"tls\" \(owner) (mTLS is mandatory on every non-admin listener)", at: node)
        }
        if isAdmin, allowPublicBind {
            context.report(
                "\"allow_public_bind\" is never allowed for the admin listener", at: fields["allow_public_bind"])
        }
        let allowSources = readAllowSources(fields)
        let proxyProtocol = context.bool(fields, "proxy_protocol", default: false)
        let http2 = context.bool(fields, "http2", default: true)
        if isAdmin, fields.present("http2") != nil {
            context.report("the admin listener serves HTTP/1.1 only; remove \"http2\" \(owner)", at: fields["http2"])
        }
        let trustedProxies = readCIDRs(fields, "trusted_proxies")
        if proxyProtocol, trustedProxies.isEmpty, fields.present("trusted_proxies") == nil {
            context.report(
                "\"proxy_protocol\" \(owner) needs \"trusted_proxies\" (PROXY headers are believed only from them)",
                at: fields["proxy_protocol"])
        }
        guard context.problems.count == problemsBefore, let name, let bind else {
            return nil
        }
        return ListenerConfiguration(
            name: name,
            bind: bind,
            bindLocation: context.location(of: fields["bind"]),
            isAdmin: isAdmin,
            tls: tls,
            allowSources: allowSources,
            proxyProtocol: proxyProtocol,
            trustedProxies: trustedProxies,
            allowPublicBind: allowPublicBind,
            location: context.location(of: node),
            http2: http2
        )
    }

    private func readBind(_ fields: MappingFields, isAdmin: Bool, allowPublicBind: Bool) -> BindAddress? {
        guard let text = context.string(fields, "bind", required: true) else {
            return nil
        }
        let node = fields["bind"]
        switch BindAddressParser.parse(text, resolvePath: context.resolvePath) {
        case .failure(let error):
            context.report("\(error.message) \(fields.owner)", at: node)
            return nil
        case .success(let bind):
            guard case .ip(let address, _) = bind else {
                return bind
            }
            if isAdmin, !address.isLoopback {
                context.report(
                    "the admin listener must bind a loopback address or a unix socket, not \"\(text)\"", at: node)
                return nil
            }
            if !isAdmin, !address.isInternal, !allowPublicBind {
                context.report(
                    "bind \"\(text)\" \(fields.owner) is not an internal address (loopback, RFC 1918, RFC 6598, "
                        + "link-local or ULA); set \"allow_public_bind: true\" to allow it",
                    at: node)
                return nil
            }
            return bind
        }
    }

    private func readAllowSources(_ fields: MappingFields) -> [AllowedSource] {
        var sources: [AllowedSource] = []
        for item in context.stringList(fields, "allow_sources") {
            if let network = networks[item.text] {
                sources.append(.network(network))
            } else if declaredNetworkIDs.contains(item.text) {
                continue  // the network itself is invalid and has been reported
            } else if let cidr = CIDR(item.text) {
                sources.append(.cidr(cidr))
            } else if Self.looksLikeAddress(item.text) {
                context.report("invalid CIDR \"\(item.text)\" in \"allow_sources\" \(fields.owner)", at: item.node)
            } else {
                var message = "unknown network id \"\(item.text)\" in \"allow_sources\" \(fields.owner)"
                if let suggestion = KeySuggestion.closest(to: item.text, in: declaredNetworkIDs.sorted()) {
                    message += "; did you mean \"\(suggestion)\"?"
                } else if declaredNetworkIDs.isEmpty {
                    message += " (no networks are defined)"
                }
                context.report(message, at: item.node)
            }
        }
        return sources
    }

    private func readCIDRs(_ fields: MappingFields, _ key: String) -> [CIDR] {
        context.stringList(fields, key).compactMap { item in
            guard let cidr = CIDR(item.text) else {
                context.report("invalid CIDR \"\(item.text)\" in \"\(key)\" \(fields.owner)", at: item.node)
                return nil
            }
            return cidr
        }
    }

    /// Whether an unresolved `allow_sources` entry was meant as an address (so "invalid CIDR" is the better message).
    static func looksLikeAddress(_ text: String) -> Bool {
        text.contains("/") || text.contains(":") || text.allSatisfy { $0.isNumber || $0 == "." }
    }

    static func isValidName(_ name: String) -> Bool {
        (1...255).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
