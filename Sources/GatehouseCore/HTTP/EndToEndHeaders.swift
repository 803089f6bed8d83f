import GatehouseBytes
import NIOHTTP1

/// The one rule for which headers cross the proxy, in either direction: RFC 9110 §7.6.1 hop-by-hop headers and any
/// header named in `Connection` stop here, and so does whatever the caller reserves for itself.
enum EndToEndHeaders {
    /// RFC 9110 §7.6.1 hop-by-hop headers, plus the non-standard ones proxies also drop.
    static let hopByHop = HeaderNameSet([
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ])

    /// Calls `body` with each header of `input` that is end-to-end and not in `reserved` (lower-case names), in order.
    ///
    /// Callers write what they are given straight to where it goes (a list made into `HTTPHeaders` once, or a
    /// response head's bytes): `HTTPHeaders.add` would re-check every name (ASCII, `Connection`), and these names
    /// were parsed by llhttp or are Gatehouse's own.
    static func forEach(
        _ input: HTTPHeaders, except reserved: HeaderNameSet, _ body: (_ name: String, _ value: String) -> Void
    ) {
        // Names listed in `Connection` are compared in place, without building a list: most messages send none, or
        // only `keep-alive`, which names a header dropped anyway.
        let namesOthers = input.contains { name, value in
            connection.contains(name) && anyToken(of: value) { !connectionOptions.contains(bytes: $0) }
        }
        for (name, value) in input {
            if hopByHop.contains(name) || reserved.contains(name) || (namesOthers && isNamedInConnection(name, input)) {
                continue
            }
            body(name, value)
        }
    }

    private static let connection = HeaderNameSet(["connection"])
    /// `Connection` options that name a header already dropped as hop-by-hop.
    private static let connectionOptions = HeaderNameSet(["keep-alive"])

    private static func isNamedInConnection(_ name: String, _ input: HTTPHeaders) -> Bool {
        input.contains { header, value in
            connection.contains(header) && anyToken(of: value) { ASCII.equalsIgnoringCase($0, name.utf8) }
        }
    }

    /// Whether `predicate` holds for any element of a list-valued header (RFC 9110 §5.6.1): the comma-separated
    /// elements without surrounding spaces or tabs, empty ones skipped. Walks the bytes in place.
    static func anyToken(of value: String, where predicate: (Substring.UTF8View) -> Bool) -> Bool {
        let bytes = value[...].utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
            var first = start
            var last = end
            while first < last, isListSpace(bytes[first]) { first = bytes.index(after: first) }
            while first < last, isListSpace(bytes[bytes.index(before: last)]) { last = bytes.index(before: last) }
            if first < last, predicate(bytes[first..<last]) { return true }
            guard end < bytes.endIndex else { break }
            start = bytes.index(after: end)
        }
        return false
    }

    private static func isListSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
