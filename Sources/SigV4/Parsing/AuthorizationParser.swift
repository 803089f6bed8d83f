/// Reads the signature parameters from an `Authorization` header or from the presigned query parameters, with
/// the messages API Gateway answers when a part is missing or malformed.
enum AuthorizationParser {
    static func parseHeader(_ value: String) throws(SigV4Error) -> SignatureFields {
        // Byte-level parsing: Character-based splitting costs more than the whole signature check.
        let utf8 = value.utf8
        guard let start = utf8.firstIndex(where: { !ASCII.isWhitespace($0) }) else {
            throw .incomplete("Unsupported Authorization type: expected 'AWS4-HMAC-SHA256' or 'AWS4-ECDSA-P256-SHA256'.")
        }
        let schemeEnd = utf8[start...].firstIndex(of: ASCII.space) ?? utf8.endIndex
        // The scheme is not echoed: it may be a bearer token meant for another gateway.
        guard let algorithm = SigV4Algorithm(scheme: utf8[start..<schemeEnd]) else {
            throw .incomplete(
                "Unsupported Authorization type: expected 'AWS4-HMAC-SHA256' or 'AWS4-ECDSA-P256-SHA256'."
            )
        }
        var credential: String?
        var signedHeaders: Substring?
        var signature: String?
        for part in utf8[schemeEnd...].split(separator: ASCII.comma) {
            guard let first = part.firstIndex(where: { !ASCII.isWhitespace($0) }) else { continue }
            let last = part.lastIndex(where: { !ASCII.isWhitespace($0) })!
            let pair = part[first...last]
            guard let equals = pair.firstIndex(of: ASCII.equals) else {
                throw .incomplete("Invalid key=value pair (missing equal-sign) in Authorization header.")
            }
            let key = pair[..<equals]
            let value = Substring(pair[pair.index(after: equals)...])
            if key.elementsEqual("Credential".utf8) {
                credential = String(value)
            } else if key.elementsEqual("SignedHeaders".utf8) {
                signedHeaders = value
            } else if key.elementsEqual("Signature".utf8) {
                signature = String(value)
            }
        }
        var missing: [String] = []
        if credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        guard let credential, let signedHeaders, let signature else {
            throw .incomplete(missing.joined(separator: " "))
        }
        return SignatureFields(
            algorithm: algorithm,
            credential: credential,
            signedHeaders: try parseSignedHeaders(signedHeaders),
            signature: signature,
            presigned: false,
            queryDate: nil,
            expires: nil
        )
    }

    static func parseQuery(_ query: RawQuery) throws(SigV4Error) -> SignatureFields {
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
        return SignatureFields(
            algorithm: algorithm,
            credential: credential,
            signedHeaders: try parseSignedHeaders(signedHeaders),
            signature: signature,
            presigned: true,
            queryDate: values[4],
            expires: values[5]
        )
    }

    /// `host;x-amz-date` → lowercase names in the order given (the order the client signed).
    private static func parseSignedHeaders<S: StringProtocol>(_ value: S) throws(SigV4Error) -> [String] {
        var names: [String] = []
        for name in value.utf8.split(separator: ASCII.semicolon, omittingEmptySubsequences: false) {
            guard !name.isEmpty, !name.contains(where: ASCII.isWhitespace) else {
                throw .incomplete("SignedHeaders must be a ';'-separated list of header names.")
            }
            names.append(String(decoding: name.map(ASCII.lowercased), as: UTF8.self))
        }
        return names
    }
}
