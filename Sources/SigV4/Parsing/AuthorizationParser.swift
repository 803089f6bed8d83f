/// Reads the signature parameters from an `Authorization` header or from the presigned query parameters, with
/// the messages API Gateway answers when a part is missing or malformed.
enum AuthorizationParser {
    static func parseHeader(_ value: String) throws(SigV4Error) -> SignatureFields {
        let trimmed = ASCII.trimmed(Substring(value))
        let schemeEnd = trimmed.firstIndex(of: " ") ?? trimmed.endIndex
        // The scheme is not echoed: it may be a bearer token meant for another gateway.
        guard let algorithm = SigV4Algorithm(rawValue: String(trimmed[..<schemeEnd])) else {
            throw .incomplete(
                "Unsupported Authorization type: expected 'AWS4-HMAC-SHA256' or 'AWS4-ECDSA-P256-SHA256'."
            )
        }
        var credential: String?
        var signedHeaders: String?
        var signature: String?
        for part in trimmed[schemeEnd...].split(separator: ",") {
            let pair = ASCII.trimmed(part)
            if pair.isEmpty { continue }
            guard let equals = pair.firstIndex(of: "=") else {
                throw .incomplete("Invalid key=value pair (missing equal-sign) in Authorization header.")
            }
            let value = String(pair[pair.index(after: equals)...])
            switch pair[..<equals] {
            case "Credential": credential = value
            case "SignedHeaders": signedHeaders = value
            case "Signature": signature = value
            default: continue
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
    private static func parseSignedHeaders(_ value: String) throws(SigV4Error) -> [String] {
        let names = value.split(separator: ";", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard !names.isEmpty, !names.contains(where: { $0.isEmpty || $0.contains(" ") }) else {
            throw .incomplete("SignedHeaders must be a ';'-separated list of header names.")
        }
        return names
    }
}
