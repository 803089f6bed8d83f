import NIOHTTP1

/// The one rule for which headers cross the proxy, in either direction: RFC 9110 §7.6.1 hop-by-hop headers and any
/// header named in `Connection` stop here, and so does whatever the caller reserves for itself.
enum EndToEndHeaders {
    /// RFC 9110 §7.6.1 hop-by-hop headers, plus the non-standard ones proxies also drop.
    static let hopByHop = HeaderNameSet([
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ])

    /// Appends to `output` the headers of `input` that are end-to-end and not in `reserved` (lower-case names).
    static func copy(_ input: HTTPHeaders, into output: inout HTTPHeaders, except reserved: HeaderNameSet) {
        // Names listed in `Connection` are compared in place: most messages name one or two, and a set built per
        // message would cost more than the comparisons.
        let named = input[canonicalForm: "connection"]
        for (name, value) in input {
            if hopByHop.contains(name) || reserved.contains(name)
                || named.contains(where: { HeaderNameSet.equalIgnoringASCIICase($0.utf8, name.utf8) })
            {
                continue
            }
            output.add(name: name, value: value)
        }
    }
}
