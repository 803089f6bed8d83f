/// Builds the pieces of a SigV4 canonical request into a byte buffer. The verifier and the signer both use it, so
/// what we sign and what we verify cannot drift apart.
enum CanonicalRequestBuilder {
    /// `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED_HEADERS\n` — everything but the payload hash line.
    static func appendPrefix(
        method: String,
        path: String,
        query: RawQuery,
        excludeSignature: Bool,
        headers: [(name: String, value: String)],
        signedHeaders: [String],
        normalizePath: Bool,
        to out: inout [UInt8]
    ) {
        out.append(contentsOf: method.utf8)
        out.append(ASCII.newline)
        appendCanonicalURI(path: path, normalize: normalizePath, to: &out)
        out.append(ASCII.newline)
        query.appendCanonical(excludeSignature: excludeSignature, to: &out)
        out.append(ASCII.newline)
        appendCanonicalHeaders(headers, signedHeaders: signedHeaders, to: &out)
        out.append(ASCII.newline)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(ASCII.semicolon) }
            out.append(contentsOf: name.utf8)
        }
        out.append(ASCII.newline)
    }

    /// The path normalized (unless `normalize` is false, the S3 rule kept for the test suites) and URI-encoded
    /// with `/` kept. The wire path is already percent-encoded, so `%` becomes `%25`: AWS encodes non-S3 paths
    /// twice, and so do the SDKs.
    static func appendCanonicalURI(path: String, normalize: Bool, to out: inout [UInt8]) {
        var path = path
        path.withUTF8 { bytes in
            if bytes.isEmpty {
                out.append(ASCII.slash)
            } else if normalize {
                var normalized: [UInt8] = []
                normalized.reserveCapacity(bytes.count + 1)
                PathNormalizer.appendNormalized(bytes, to: &normalized)
                URIEncoding.append(normalized, keepSlash: true, to: &out)
            } else {
                URIEncoding.append(bytes, keepSlash: true, to: &out)
            }
        }
    }

    /// One `name:value\n` line per signed header, in the order of `signedHeaders` (lowercase). Values are trimmed
    /// and inner whitespace runs collapse to one space; repeated headers join with `,` in received order.
    static func appendCanonicalHeaders(
        _ headers: [(name: String, value: String)],
        signedHeaders: [String],
        to out: inout [UInt8]
    ) {
        for name in signedHeaders {
            out.append(contentsOf: name.utf8)
            out.append(ASCII.colon)
            var first = true
            for header in headers where ASCII.equalsIgnoringCase(header.name, name) {
                if !first { out.append(ASCII.comma) }
                first = false
                appendNormalizedValue(header.value, to: &out)
            }
            out.append(ASCII.newline)
        }
    }

    private static func appendNormalizedValue(_ value: String, to out: inout [UInt8]) {
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            if ASCII.isWhitespace(byte) {
                pendingSpace = wroteAny
            } else {
                if pendingSpace { out.append(ASCII.space) }
                pendingSpace = false
                wroteAny = true
                out.append(byte)
            }
        }
    }
}
