import SigV4

/// What `RequestPipeline` reads of a request head, whichever protocol carried it: a few named values as text, and the
/// signed request for SigV4. HTTP/1.1 heads conform (`ParsedRequestHead`); HTTP/2 streams will too.
protocol GatedRequestHead {
    /// The first value of the field named `lowercaseName`, as text.
    func firstValue(_ lowercaseName: String) -> String?
    /// The request as SigV4 canonicalizes it, lent to `body`: the path and query as sent, every field in order, with
    /// the values' bytes as received. It may point into the head's memory, so it must not escape `body`.
    func withSigV4Request<R>(method: String, path: String, query: String?, _ body: (SigV4Request) -> R) -> R
}
