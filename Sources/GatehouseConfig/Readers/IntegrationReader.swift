import Yams

/// Reads a route's `integration`: `HTTP_PROXY` (uri expanded and parsed per stage, timeout) or `MOCK`.
struct IntegrationReader {
    /// The integration timeout allowed: API Gateway caps at 29 s; Gatehouse allows up to 5 minutes because it
    /// fronts internal services that may legitimately take longer, and defaults to API Gateway's 29 s.
    static let timeoutRange = 50...300_000
    static let defaultTimeoutMilliseconds = 29000
    static let proxyKeys = ["type", "uri", "timeout_ms", "tls_ca"]
    static let mockKeys = ["type", "status", "headers", "body"]

    enum Kind: String, CaseIterable {
        case httpProxy = "HTTP_PROXY"
        case mock = "MOCK"
    }

    let context: LoadContext
    let stages: [StageConfiguration]

    func read(_ node: Node, route: RouteKey, owner: String) -> IntegrationConfiguration? {
        guard case .mapping = node else {
            context.report("expected a mapping \(owner), found \(node.kindDescription)", at: node)
            return nil
        }
        guard let typeNode = node.mapping?["type"], !typeNode.isNullScalar else {
            _ = context.fields(of: node, owner: owner, known: Self.proxyKeys + Self.mockKeys)
            context.report("missing required field \"type\" \(owner) (HTTP_PROXY or MOCK)", at: node)
            return nil
        }
        guard let typeText = context.text(of: typeNode, what: "\"type\" \(owner)") else {
            return nil
        }
        guard let kind = Kind(rawValue: typeText) else {
            context.report(
                "\"type\" \(owner) must be one of \"HTTP_PROXY\", \"MOCK\", found \"\(typeText)\"",
                at: typeNode)
            return nil
        }
        switch kind {
        case .httpProxy:
            guard let fields = context.fields(of: node, owner: owner, known: Self.proxyKeys) else {
                return nil
            }
            return readProxy(fields, route: route).map(IntegrationConfiguration.httpProxy)
        case .mock:
            guard let fields = context.fields(of: node, owner: owner, known: Self.mockKeys) else {
                return nil
            }
            return readMock(fields).map(IntegrationConfiguration.mock)
        }
    }

    private func readProxy(_ fields: MappingFields, route: RouteKey) -> HTTPProxyIntegrationConfiguration? {
        let timeout = context.integer(
            fields, "timeout_ms", default: Self.defaultTimeoutMilliseconds, range: Self.timeoutRange)
        guard let uri = context.string(fields, "uri", required: true), let uriNode = fields["uri"] else {
            return nil
        }
        var targets: [String: UpstreamTarget] = [:]
        var reported: Set<String> = []
        for stage in stages {
            let (expanded, unknown) = StageVariableExpander.expand(uri, variables: stage.variables)
            if !unknown.isEmpty {
                for name in unknown {
                    context.report(
                        "unknown stage variable \"\(name)\" in \"uri\" \(fields.owner): stage \"\(stage.name)\" "
                            + "does not define it",
                        at: uriNode)
                }
                continue
            }
            switch UpstreamURIParser.parse(expanded, route: route, resolvePath: context.resolvePath) {
            case .success(let target):
                targets[stage.name] = target
            case .failure(let error):
                // The same mistake would otherwise be reported once per stage.
                if reported.insert(error.message).inserted {
                    let stageNote = uri == expanded ? "" : " (stage \"\(stage.name)\")"
                    context.report("\(error.message) \(fields.owner)\(stageNote)", at: uriNode)
                }
            }
        }
        let tlsCA = context.file(fields, "tls_ca", required: false)
        if tlsCA != nil,
            !targets.values.contains(where: {
                if case .http2(_, _, tls: true) = $0.upstream { return true }
                return false
            })
        {
            context.report("\"tls_ca\" \(fields.owner) applies only to an \"h2://\" uri", at: fields["tls_ca"])
            return nil
        }
        guard let timeout, targets.count == stages.count else {
            return nil
        }
        return HTTPProxyIntegrationConfiguration(
            uri: uri,
            targets: targets,
            timeout: .milliseconds(timeout),
            location: context.location(of: uriNode),
            tlsCA: tlsCA
        )
    }

    private func readMock(_ fields: MappingFields) -> MockIntegrationConfiguration? {
        let status = context.integer(fields, "status", default: 200, range: 100...599)
        var headers: [MockIntegrationConfiguration.Header] = []
        for header in context.stringMap(fields, "headers") {
            guard HTTPFieldSyntax.isValidName(header.key), HTTPFieldSyntax.isValidValue(header.value) else {
                context.report("invalid header \"\(header.key)\" in \"headers\" \(fields.owner)", at: header.node)
                continue
            }
            headers.append(MockIntegrationConfiguration.Header(name: header.key, value: header.value))
        }
        let body = context.string(fields, "body") ?? ""
        guard let status else {
            return nil
        }
        return MockIntegrationConfiguration(status: status, headers: headers, body: body)
    }
}
