import SigV4

extension SigV4Request {
    /// The same request with its fields as one block of bytes and ranges, as a gateway hands over a parsed head:
    /// both forms must canonicalize alike.
    func inBlockForm() -> SigV4Request {
        SigV4Request(method: method, path: path, query: query, fields: fields.inBlockForm)
    }
}
