import GatehouseBytes

/// The field-line grammar both heads share (RFC 9112 §5, RFC 9110 §5.5), read over a head `HTTPHeadScanner`
/// delimited: a token name, `:` with no whitespace before it, optional whitespace, a value of VCHAR, obs-text, SP
/// and HTAB, optional whitespace, CRLF. A line starting with whitespace (obs-fold) is refused, and so are more than
/// `maxFields` lines (`headTooLarge`).
enum HTTPFieldLines {
    /// The field lines from `start` up to the blank line that ends `bytes`.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, from start: Int, maxFields: Int
    ) -> Result<[HTTPFieldLine], RequestParseError> {
        let end = bytes.count
        var index = start
        var fields: [HTTPFieldLine] = []
        // One allocation for a usual head instead of four as the array doubles (1, 2, 4, 8) through its fields.
        fields.reserveCapacity(min(maxFields, 16))
        while index < end {
            if bytes[index] == ASCII.carriageReturn { break }
            if HTTPByteClass.isWhitespace(bytes[index]) {
                return .failure(.malformed("Obsolete line folding in a header"))
            }
            let nameStart = index
            while index < end, ASCII.isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart, index < end else { return .failure(.malformed("Invalid header name")) }
            if bytes[index] != ASCII.colon {
                return .failure(
                    .malformed(
                        HTTPByteClass.isWhitespace(bytes[index])
                            ? "Whitespace before the colon of a header" : "Invalid header name"))
            }
            let name = nameStart..<index
            index += 1
            while index < end, HTTPByteClass.isWhitespace(bytes[index]) { index += 1 }
            let valueStart = index
            var valueEnd = index
            while index < end, HTTPByteClass.isFieldValueByte(bytes[index]) {
                if !HTTPByteClass.isWhitespace(bytes[index]) { valueEnd = index + 1 }
                index += 1
            }
            guard index + 1 < end, bytes[index] == ASCII.carriageReturn, bytes[index + 1] == ASCII.newline else {
                return .failure(.malformed("Invalid character in a header value"))
            }
            index += 2
            guard fields.count < maxFields else { return .failure(.headTooLarge) }
            fields.append(HTTPFieldLine(name: name, value: valueStart..<valueEnd))
        }
        return .success(fields)
    }

    /// Whether `bytes` holds `literal` at `offset`.
    static func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for index in 0..<count where bytes[offset + index] != pointer[index] { return false }
        return true
    }
}
