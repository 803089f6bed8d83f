/// The one rule for which headers cross the proxy, in either direction: RFC 9110 §7.6.1 hop-by-hop headers and any
/// header named in `Connection` stop here, and so does whatever the caller reserves for itself
/// (`forEachForwardedField`, over a parsed request or response head).
enum EndToEndHeaders {
    /// RFC 9110 §7.6.1 hop-by-hop headers, plus the non-standard ones proxies also drop.
    static let hopByHop = HeaderNameSet([
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ])
}
