import SigV4

/// The HTTP/1.1 head as the pipeline reads it, through the `HTTPRequestHead` adapter (values as UTF-8) and the raw
/// value bytes for SigV4 when some are not UTF-8.
extension ClientRequestHead: GatedRequestHead {
    func firstValue(_ lowercaseName: String) -> String? {
        head.headers.first(name: lowercaseName)
    }

    func sigV4Request(method: String, path: String, query: String?) -> SigV4Request {
        SigV4Request(
            method: method, path: path, query: query,
            headers: head.headers.map { (name: $0.name, value: $0.value) }, headerValueBytes: headerValueBytes)
    }
}
