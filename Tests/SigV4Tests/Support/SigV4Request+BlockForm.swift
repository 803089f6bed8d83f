import SigV4

extension SigV4Request {
    /// The same request with its fields as one block of bytes and ranges, as a gateway hands over a parsed head:
    /// both forms must canonicalize alike.
    func inBlockForm() -> SigV4Request {
        SigV4Request(method: method, path: path, query: query, fields: fields.inBlockForm)
    }

    /// The same request lent to `body` with its fields read in place from borrowed memory, as the gateway lends a
    /// parsed head (`SigV4HeaderFields.withBorrowed`): it too must canonicalize alike.
    func withBorrowedForm<R>(_ body: (SigV4Request) throws -> R) rethrows -> R {
        try fields.withBorrowedForm { try body(SigV4Request(method: method, path: path, query: query, fields: $0)) }
    }
}
