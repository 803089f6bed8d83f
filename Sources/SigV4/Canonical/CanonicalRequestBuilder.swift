import GatehouseBytes

/// Builds the pieces of a SigV4 canonical request into a byte buffer. The verifier and the signer both use it, so
/// what we sign and what we verify cannot drift apart.
enum CanonicalRequestBuilder {
    /// An upper bound of the prefix's length: URI and query bytes may triple when escaped, each signed header
    /// line holds at most every header value, and the names appear twice.
    static func prefixCapacity(
        method: String, path: String, query: RawQuery, fields: SigV4HeaderFields, signedHeaderBytes: Int
    ) -> Int {
        var values = 0
        for index in 0..<fields.count { values += fields.valueCount(index) + 1 }
        return method.utf8.count + 3 * path.utf8.count + 4 * query.byteCount + values + 3 * signedHeaderBytes
            + 16
    }

    /// The prefix into a writer. `signedHeaders` is the `;`-separated list as sent, already checked to hold no
    /// empty name and no whitespace; with `lowercaseNames` the names are written lowercase.
    static func writePrefix(
        method: String,
        path: String,
        query: RawQuery,
        excludeSignature: Bool,
        fields: SigV4HeaderFields,
        signedHeaders: UnsafeBufferPointer<UInt8>,
        lowercaseNames: Bool,
        normalizePath: Bool,
        to out: inout ByteWriter
    ) {
        out.append(method)
        out.append(ASCII.newline)
        writeCanonicalURI(path: path, normalize: normalizePath, to: &out)
        out.append(ASCII.newline)
        query.writeCanonical(excludeSignature: excludeSignature, to: &out)
        out.append(ASCII.newline)
        writeCanonicalHeaders(
            fields, signedHeaders: signedHeaders, lowercaseNames: lowercaseNames, to: &out)
        out.append(ASCII.newline)
        if lowercaseNames { out.appendLowercased(signedHeaders) } else { out.append(signedHeaders) }
        out.append(ASCII.newline)
    }

    /// The path normalized (unless `normalize` is false, the S3 rule kept for the test suites) and URI-encoded
    /// with `/` kept. The wire path is already percent-encoded, so `%` becomes `%25`: AWS encodes non-S3 paths
    /// twice, and so do the SDKs.
    static func writeCanonicalURI(path: String, normalize: Bool, to out: inout ByteWriter) {
        UTF8Bytes.with(path) { bytes in
            if bytes.isEmpty {
                out.append(ASCII.slash)
            } else if normalize && PathNormalizer.needsNormalization(bytes) {
                var normalized: [UInt8] = []
                normalized.reserveCapacity(bytes.count + 1)
                PathNormalizer.appendNormalized(bytes, to: &normalized)
                normalized.withUnsafeBufferPointer { URIEncoding.write($0, keepSlash: true, to: &out) }
            } else {
                URIEncoding.write(bytes, keepSlash: true, to: &out)
            }
        }
    }

    /// One `name:value\n` line per signed header, in the order of the list. Values are trimmed and inner
    /// whitespace runs collapse to one space; repeated headers join with `,` in received order. Each request header
    /// name is reduced to a `HeaderNameKey` once, on the stack, so matching compares integers. Values are the bytes
    /// as received.
    private static func writeCanonicalHeaders(
        _ fields: SigV4HeaderFields,
        signedHeaders: UnsafeBufferPointer<UInt8>,
        lowercaseNames: Bool,
        to out: inout ByteWriter
    ) {
        guard !signedHeaders.isEmpty else { return }
        withUnsafeTemporaryAllocation(of: HeaderNameKey.self, capacity: max(fields.count, 1)) { keys in
            for index in 0..<fields.count {
                let key = fields.withName(index) { HeaderNameKey($0) }
                (keys.baseAddress! + index).initialize(to: key)
            }
            var start = 0
            while start <= signedHeaders.count {
                let index =
                    SWAR.firstIndex(of: ASCII.semicolon, in: signedHeaders, start..<signedHeaders.count)
                    ?? signedHeaders.count
                let name = UnsafeBufferPointer(rebasing: signedHeaders[start..<index])
                start = index + 1
                if lowercaseNames { out.appendLowercased(name) } else { out.append(name) }
                out.append(ASCII.colon)
                let key = HeaderNameKey(name)
                var first = true
                for header in 0..<fields.count where keys[header] == key {
                    if !key.isExact {
                        guard fields.withName(header, { ASCII.equalsIgnoringCase($0, name) }) else {
                            continue
                        }
                    }
                    if !first { out.append(ASCII.comma) }
                    first = false
                    fields.withValue(header) { writeNormalizedValue($0, to: &out) }
                }
                out.append(ASCII.newline)
            }
        }
    }

    private static func writeNormalizedValue(_ value: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        // Most values have no whitespace at all: copy them whole.
        guard SWAR.containsSpaceOrControl(value) else {
            out.append(value)
            return
        }
        var index = 0
        var wroteAny = false
        while index < value.count {
            while index < value.count && ASCII.isWhitespace(value[index]) { index += 1 }
            let runStart = index
            while index < value.count && !ASCII.isWhitespace(value[index]) { index += 1 }
            guard runStart < index else { break }
            if wroteAny { out.append(ASCII.space) }
            out.append(UnsafeBufferPointer(rebasing: value[runStart..<index]))
            wroteAny = true
        }
    }
}
