import NIOHTTP1

/// A client's request head as the gateway consumes it: the parsed bytes (forwarded as they are), the same head as
/// NIO's `HTTPRequestHead` for the code that reads only ASCII-valued headers (routing, SigV4's fields, policy),
/// and its body's framing or why that is refused.
///
/// The `HTTPRequestHead` is a temporary adapter: its values are the bytes decoded as UTF-8, so a value that is
/// not UTF-8 reads as U+FFFD there. Nothing forwarded is taken from it.
struct ClientRequestHead {
    let parsed: ParsedRequestHead
    let head: HTTPRequestHead
    let framing: Result<RequestBodyFraming, RequestParseError>
    /// Every value's bytes, in field order, when some value is not UTF-8 (and so differs in `head`): SigV4 then
    /// canonicalizes these. Nil otherwise, which is nearly always.
    let headerValueBytes: [[UInt8]]?

    init(_ parsed: ParsedRequestHead, framing: Result<RequestBodyFraming, RequestParseError>) {
        self.parsed = parsed
        self.framing = framing
        var headers: [(String, String)] = []
        headers.reserveCapacity(parsed.fields.count)
        var allUTF8 = true
        for index in parsed.fields.indices {
            let range = parsed.fields[index].value
            let value = parsed.withBytes(range) { String(validating: $0, as: UTF8.self) }
            if value == nil { allUTF8 = false }
            headers.append((parsed.name(index), value ?? parsed.valueString(index)))
        }
        headerValueBytes =
            allUTF8 ? nil : parsed.fields.map { field in parsed.withBytes(field.value) { Array($0) } }
        self.head = HTTPRequestHead(
            version: parsed.minorVersion == 1 ? .http1_1 : .http1_0, method: HTTPMethod(rawValue: parsed.methodString),
            uri: parsed.targetString, headers: HTTPHeaders(headers))
    }
}
