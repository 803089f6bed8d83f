import SigV4

/// What `RequestPipeline` reads of a request head, whichever protocol carried it: a few named values as text, and the
/// signed request for SigV4. HTTP/1.1 heads conform (`ParsedRequestHead`); HTTP/2 streams will too.
protocol GatedRequestHead {
    /// The first value of the field named `lowercaseName`, as text.
    func firstValue(_ lowercaseName: String) -> String?
    /// The request as SigV4 canonicalizes it: the path and query as sent, every field in order, with the values'
    /// bytes when some are not UTF-8.
    func sigV4Request(method: String, path: String, query: String?) -> SigV4Request
}
