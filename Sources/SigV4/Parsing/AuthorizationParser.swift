import GatehouseBytes

/// Reads the signature parameters from an `Authorization` header or from the presigned query parameters, with
/// the messages API Gateway answers when a part is missing or malformed.
enum AuthorizationParser {
    private static let unsupportedType =
        "Unsupported Authorization type: expected 'AWS4-HMAC-SHA256' or 'AWS4-ECDSA-P256-SHA256'."

    /// Where the parts of an `Authorization` value are, as UTF-8 offsets.
    private struct HeaderLayout {
        var algorithm: SigV4Algorithm?
        var missingEquals = false
        /// The first parameter given twice (`Credential`, `SignedHeaders` or `Signature`).
        var repeated: StaticString?
        var credential: Range<Int>?
        var signedHeaders: Range<Int>?
        var signature: Range<Int>?
    }

    static func parseHeader(_ value: String) throws(SigV4Error) -> SignatureFields {
        // One pass over the bytes: Character-based splitting costs more than the whole signature check.
        try parseHeader(UTF8Bytes.with(value, layout(of:))) { TextSlice(value, $0) }
    }

    /// The same, from an ASCII value lent in place (`SigV4HeaderFields.withBorrowed`): no `String` is made; the
    /// parts are valid as long as the lent bytes.
    static func parseHeader(borrowing value: UnsafeBufferPointer<UInt8>) throws(SigV4Error) -> SignatureFields {
        try parseHeader(layout(of: value)) { TextSlice(borrowing: value, $0) }
    }

    private static func parseHeader(_ layout: HeaderLayout, slice: (Range<Int>) -> TextSlice) throws(SigV4Error)
        -> SignatureFields
    {
        // The scheme is not echoed: it may be a bearer token meant for another gateway.
        guard let algorithm = layout.algorithm else { throw .incomplete(unsupportedType) }
        if layout.missingEquals {
            throw .incomplete("Invalid key=value pair (missing equal-sign) in Authorization header.")
        }
        if let repeated = layout.repeated {
            throw .incomplete("Authorization header must not give the '\(repeated)' parameter more than once.")
        }
        guard let credential = layout.credential, let signedHeaders = layout.signedHeaders,
            let signature = layout.signature
        else {
            var missing: [String] = []
            if layout.credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
            if layout.signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
            if layout.signedHeaders == nil {
                missing.append("Authorization header requires 'SignedHeaders' parameter.")
            }
            throw .incomplete(missing.joined(separator: " "))
        }
        let fields = SignatureFields(
            algorithm: algorithm,
            credential: slice(credential),
            signedHeaders: SignedHeaderList(slice(signedHeaders)),
            signature: slice(signature),
            presigned: false,
            queryDate: nil,
            expires: nil
        )
        try checkSignedHeaders(fields.signedHeaders)
        return fields
    }

    /// `SCHEME Key=value, Key=value, ...`: pairs are split on `,` and trimmed; unknown keys are ignored and a
    /// repeated `Credential`, `SignedHeaders` or `Signature` is noted (which one would win is not for us to guess).
    private static func layout(of bytes: UnsafeBufferPointer<UInt8>) -> HeaderLayout {
        var layout = HeaderLayout()
        var start = 0
        while start < bytes.count && ASCII.isWhitespace(bytes[start]) { start += 1 }
        guard start < bytes.count else { return layout }
        var schemeEnd = start
        while schemeEnd < bytes.count && bytes[schemeEnd] != ASCII.space { schemeEnd += 1 }
        layout.algorithm = SigV4Algorithm(scheme: UnsafeBufferPointer(rebasing: bytes[start..<schemeEnd]))
        guard layout.algorithm != nil else { return layout }
        var partStart = schemeEnd
        while partStart <= bytes.count {
            let index = SWAR.firstIndex(of: ASCII.comma, in: bytes, partStart..<bytes.count) ?? bytes.count
            let part = ASCII.trimmedRange(bytes, partStart..<index)
            partStart = index + 1
            guard !part.isEmpty else { continue }
            guard let equals = bytes[part].firstIndex(of: ASCII.equals) else {
                layout.missingEquals = true
                return layout
            }
            let key = UnsafeBufferPointer(rebasing: bytes[part.lowerBound..<equals])
            let value = (equals + 1)..<part.upperBound
            if ASCII.equals(key, "Credential") {
                if layout.credential != nil { layout.repeated = layout.repeated ?? "Credential" }
                layout.credential = value
            } else if ASCII.equals(key, "SignedHeaders") {
                if layout.signedHeaders != nil { layout.repeated = layout.repeated ?? "SignedHeaders" }
                layout.signedHeaders = value
            } else if ASCII.equals(key, "Signature") {
                if layout.signature != nil { layout.repeated = layout.repeated ?? "Signature" }
                layout.signature = value
            }
        }
        return layout
    }

    /// The `X-Amz-*` query parameters that carry a presigned signature: each may be given once at most.
    static let queryParameters = PresignedQueryParameters.names

    /// Refuses a query that gives a signature parameter twice: a parser that keeps the first and one that keeps the
    /// last would check different things.
    private static func checkQueryParametersOnce(_ query: RawQuery) throws(SigV4Error) {
        if let repeated = query.firstRepeated(among: queryParameters) {
            throw .incomplete("AWS query-string parameters must not include '\(repeated)' more than once.")
        }
    }

    static func parseQuery(_ query: RawQuery) throws(SigV4Error) -> SignatureFields {
        try checkQueryParametersOnce(query)
        let names = [
            "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date",
            "X-Amz-Expires",
        ]
        let values = names.map { query.value(named: $0) }
        let missing = zip(names, values).filter { $0.1 == nil }.map {
            "AWS query-string parameters must include '\($0.0)'."
        }
        guard missing.isEmpty, let algorithmName = values[0], let credential = values[1], let signature = values[2],
            let signedHeaders = values[3]
        else {
            throw .incomplete(missing.joined(separator: " ") + " Re-examine the query-string parameters.")
        }
        guard let algorithm = SigV4Algorithm(rawValue: algorithmName) else {
            throw .incomplete("X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256' and 'AWS4-ECDSA-P256-SHA256'.")
        }
        let fields = SignatureFields(
            algorithm: algorithm,
            credential: TextSlice(credential),
            signedHeaders: SignedHeaderList(TextSlice(signedHeaders)),
            signature: TextSlice(signature),
            presigned: true,
            queryDate: values[4],
            expires: values[5]
        )
        try checkSignedHeaders(fields.signedHeaders)
        return fields
    }

    private static func checkSignedHeaders(_ list: SignedHeaderList) throws(SigV4Error) {
        switch list.defect {
        case nil:
            return
        case .malformed:
            throw .incomplete("SignedHeaders must be a ';'-separated list of header names.")
        case .tooManyNames:
            throw .incomplete("SignedHeaders must not name more than \(SignedHeaderList.maxNames) headers.")
        case .repeatedName(let name?):
            throw .incomplete("SignedHeaders must not name a header twice; '\(name)' is repeated.")
        case .repeatedName(nil):
            throw .incomplete("SignedHeaders must not name a header twice.")
        }
    }
}
