import GatehouseBytes
import SigV4

/// Reading a parsed head the way routing, SigV4 and the policy need it: a few named values as text, list tokens
/// compared in place, and the signed request for the verifier — without a header dictionary.
extension ParsedRequestHead {
    /// The first value of the field named `lowercaseName`, as text (see `valueString(_:)`).
    func firstValue(_ lowercaseName: String) -> String? {
        fields.indices.first { fieldIs($0, lowercaseName) }.map(valueString)
    }

    /// Whether any field named `lowercaseName` lists `token` (RFC 9110 §5.6.1 list elements, ASCII
    /// case-insensitive), e.g. `close` in `Connection` or `100-continue` in `Expect`.
    func listContains(_ token: String, inFieldsNamed lowercaseName: String) -> Bool {
        for index in fields.indices where fieldIs(index, lowercaseName) {
            var found = false
            withBytes(fields[index].value) { value in
                HTTPListElements.forEach(in: value) { range in
                    if ASCII.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: value[range]), token.utf8) {
                        found = true
                    }
                }
            }
            if found { return true }
        }
        return false
    }

    /// The request as SigV4 canonicalizes it, for the duration of `body`: the path and query as sent, and every field
    /// read in place in the head's own bytes through its parsed field lines (values byte for byte, obs-text included),
    /// so the canonical request covers exactly what was received — and what is forwarded — without copying the head
    /// or making a `String` per field. Used only on routes that verify signatures; the request must not escape `body`.
    func withSigV4Request<R>(method: String, path: String, query: String?, _ body: (SigV4Request) -> R) -> R {
        bytes.withUnsafeReadableBytes { raw in
            fields.withUnsafeBufferPointer { ranges in
                SigV4HeaderFields.withBorrowed(bytes: raw, ranges: ranges) { fields in
                    body(SigV4Request(method: method, path: path, query: query, fields: fields))
                }
            }
        }
    }
}
