import Crypto
import GatehouseBytes

/// The pure steps of SigV4, exposed for tests and tools: what the verifier and the signer compute internally.
public enum SigV4Canonical {
    /// The SHA-256 of the empty string, the payload hash of a request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The canonical request: method, canonical URI, canonical query (without `X-Amz-Signature` when
    /// `presigned`), the signed headers' lines, the signed-header list and the payload hash.
    /// - Parameter signedHeaders: lowercase header names, in signing order (sorted, as clients send them).
    public static func canonicalRequest(
        method: String,
        path: String,
        query: String?,
        headers: [(name: String, value: String)],
        signedHeaders: [String],
        payloadHash: String,
        presigned: Bool = false,
        normalizePath: Bool = true
    ) -> String {
        let rawQuery = RawQuery(query)
        let list = signedHeaders.joined(separator: ";")
        let capacity = CanonicalRequestBuilder.prefixCapacity(
            method: method, path: path, query: rawQuery, fields: SigV4HeaderFields(headers),
            signedHeaderBytes: list.utf8.count)
        var out = ByteWriter.collect(capacity: capacity) { writer in
            UTF8Bytes.with(list) { names in
                CanonicalRequestBuilder.writePrefix(
                    method: method, path: path, query: rawQuery, excludeSignature: presigned,
                    fields: SigV4HeaderFields(headers),
                    signedHeaders: names, lowercaseNames: false, normalizePath: normalizePath, to: &writer)
            }
        }
        out.append(contentsOf: payloadHash.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical URI alone: normalized (unless told not to) and URI-encoded, `%` included.
    public static func canonicalURI(path: String, normalize: Bool = true) -> String {
        let out = ByteWriter.collect(capacity: 3 * path.utf8.count + 4) {
            CanonicalRequestBuilder.writeCanonicalURI(path: path, normalize: normalize, to: &$0)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical query alone.
    public static func canonicalQuery(_ query: String?, presigned: Bool = false) -> String {
        let rawQuery = RawQuery(query)
        let out = ByteWriter.collect(capacity: 4 * rawQuery.byteCount) {
            rawQuery.writeCanonical(excludeSignature: presigned, to: &$0)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `ALGORITHM\nTIMESTAMP\nSCOPE\nhex(SHA-256(canonical request))`.
    /// - Parameter credentialScope: `DATE/REGION/SERVICE/aws4_request` (v4) or `DATE/SERVICE/aws4_request` (v4a).
    public static func stringToSign(
        algorithm: SigV4Algorithm,
        timestamp: String,
        credentialScope: String,
        canonicalRequest: String
    ) -> String {
        let scope = TextSlice(credentialScope)
        var out = ByteWriter.collect(capacity: 48 + scope.count) { writer in
            UTF8Bytes.with(timestamp) {
                writeStringToSignPrefix(algorithm: algorithm, timestamp: $0, scope: scope, to: &writer)
            }
        }
        Hex.append(SHA256.hash(data: Array(canonicalRequest.utf8)), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The lowercase hex SHA-256 of `bytes`, the payload hash of a body.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }

    /// The payload hash of a body hashed as it streamed in.
    public static func payloadHash(of digest: SHA256.Digest) -> String {
        Hex.string(digest)
    }

    /// `ALGORITHM\nTIMESTAMP\nSCOPE\n`.
    static func writeStringToSignPrefix(
        algorithm: SigV4Algorithm,
        timestamp: UnsafeBufferPointer<UInt8>,
        scope: TextSlice,
        to out: inout ByteWriter
    ) {
        out.append(algorithm.rawValue)
        out.append(ASCII.newline)
        out.append(timestamp)
        out.append(ASCII.newline)
        scope.withBytes { out.append($0) }
        out.append(ASCII.newline)
    }
}
