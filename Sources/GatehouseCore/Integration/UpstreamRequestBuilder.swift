import GatehouseConfig
import GatehousePKI
import NIOHTTP1

/// Builds the request the upstream receives (contract section 4): hop-by-hop headers and any header named in
/// `Connection` removed, client copies of identity headers and their look-alikes removed (`ForwardedHeaderRule`),
/// then Gatehouse's own identity headers added.
struct UpstreamRequestBuilder {
    /// Headers only Gatehouse may set; a client's copies never reach the upstream.
    static let identityHeaders = Set(ForwardedHeaderRule.ownedNames)

    /// Credentials that authenticated the client to Gatehouse, not to the upstream (`x-api-key` too: contract
    /// section 4); `host` and `expect` are
    /// Gatehouse's to set; `content-length` is set from the body actually buffered.
    static let consumed: Set<String> = [
        "authorization", "x-amz-security-token", "host", "expect", "content-length", "x-apigw-api-id", "x-api-key",
    ]

    /// Computed once: every client header Gatehouse drops or replaces itself.
    static let reservedRequestHeaders = HeaderNameSet(identityHeaders.union(consumed))

    /// The client's end-to-end fields are forwarded from `head`'s bytes, as the client sent them.
    static func build(
        client head: ParsedRequestHead, integration: ProxyTarget, match: RouteMatch, requestID: String,
        connection: ConnectionState, principal: CallerPrincipal?, bodyLength: Int, upgradesToWebSocket: Bool = false
    ) -> UpstreamRequest {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(8)
        headers.append(("host", integration.hostHeader))
        let forwarded = EndToEndHeaders.forwardedFields(
            of: head, except: reservedRequestHeaders, rule: integration.forwardedHeaders)
        if bodyLength > 0
            || head.fields.indices.contains(where: {
                head.fieldIs($0, "content-length") || head.fieldIs($0, "transfer-encoding")
            })
        {
            headers.append(("content-length", String(bodyLength)))
        }
        headers.append(("x-forwarded-for", connection.sourceIPText))
        headers.append(("x-forwarded-proto", "https"))
        if let host = head.fields.indices.first(where: { head.fieldIs($0, "host") }) {
            headers.append(("x-forwarded-host", head.valueString(host)))
        }
        if let identity = connection.clientIdentity {
            headers.append(("x-forwarded-client-cert", identity.xForwardedClientCert))
        }
        if let principal {
            headers.append(("x-gatehouse-principal", principal.arn))
        }
        if let network = connection.network {
            headers.append(("x-gatehouse-source-vpce", network.id))
        }
        headers.append(("x-request-id", requestID))
        if upgradesToWebSocket {
            // Hop-by-hop, so never copied from the client: Gatehouse itself asks its upstream to switch, only here.
            headers.append(("connection", "upgrade"))
            headers.append(("upgrade", "websocket"))
        }
        let uri = upstreamTarget(
            template: integration.pathTemplate, parameters: match.parameters, clientURI: head.targetString)
        return UpstreamRequest(
            method: HTTPMethod(rawValue: head.methodString), uri: uri, headers: headers, clientHead: head,
            forwardedFields: forwarded, upgradesToWebSocket: upgradesToWebSocket)
    }

    /// The path from the integration template with `{name}` filled from the route (each segment re-encoded), and
    /// the client's query string passed through, less a presigned request's credentials.
    static func upstreamTarget(
        template: [UpstreamPathPart], parameters: [String: ArraySlice<String>], clientURI: String
    ) -> String {
        var uri = ""
        uri.reserveCapacity(clientURI.utf8.count + 32)
        for part in template {
            switch part {
            case .literal(let text):
                uri += text
            case .parameter(let name), .greedy(let name):
                // The segments encoded and joined with `/`, appended in place (no array or joined string each time).
                for (index, segment) in (parameters[name] ?? []).enumerated() {
                    if index > 0 { uri += "/" }
                    uri += percentEncodePathSegment(segment)
                }
            }
        }
        if uri.isEmpty || uri.first != "/" { uri = "/" + uri }
        if let mark = clientURI.utf8.firstIndex(of: UInt8(ascii: "?")) {
            let query = PresignedQueryFilter.forwardedQuery(clientURI[clientURI.utf8.index(after: mark)...])
            if !query.isEmpty {
                uri += (uri.utf8.contains(UInt8(ascii: "?")) ? "&" : "?") + query
            }
        }
        return uri
    }
}
