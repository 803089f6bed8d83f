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
                EndToEndHeaders.forEachToken(of: value) { range in
                    if ASCII.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: value[range]), token.utf8) {
                        found = true
                    }
                }
            }
            if found { return true }
        }
        return false
    }

    /// The request as SigV4 canonicalizes it: the path and query as sent, every field in order. Values that are not
    /// UTF-8 (obs-text) are also given as bytes, so the canonical request covers exactly what was received — and
    /// what is forwarded. Made only for routes that verify signatures.
    func sigV4Request(method: String, path: String, query: String?) -> SigV4Request {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(fields.count)
        var allUTF8 = true
        for index in fields.indices {
            let value = withBytes(fields[index].value) { bytes -> String? in
                // Nearly every value is ASCII: only values with a high byte need UTF-8 validation.
                bytes.contains { $0 >= 0x80 }
                    ? String(validating: bytes, as: UTF8.self) : String(decoding: bytes, as: UTF8.self)
            }
            if value == nil { allUTF8 = false }
            headers.append((name(index), value ?? valueString(index)))
        }
        let valueBytes = allUTF8 ? nil : fields.map { field in withBytes(field.value) { Array($0) } }
        return SigV4Request(method: method, path: path, query: query, headers: headers, headerValueBytes: valueBytes)
    }
}
