import GatehouseBytes
import SigV4

/// Removes a presigned request's credentials from the query the upstream receives (contract section 4): a URL
/// holding `X-Amz-Signature` and `X-Amz-Credential` is a bearer token until it expires (up to 7 days), and
/// upstreams log URLs.
///
/// A request is presigned when a parameter's name is `X-Amz-Signature`; then every `X-Amz-Algorithm`,
/// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`,
/// `X-Amz-Security-Token` and `X-Amz-Region-Set` parameter is removed. Names are compared exactly as the SigV4
/// verifier reads them: percent-decoded (a valid `%XX` only; `+` stays a plus), then case-sensitively, as AWS
/// does. So `X%2DAmz-Signature`, which the verifier takes for the signature, is removed too, while
/// `x-amz-signature` is an ordinary parameter to AWS and to Gatehouse — covered by the signature like any other —
/// and is forwarded. The other parameters keep their order and their bytes, `&&` and all.
enum PresignedQueryFilter {
    /// The query to forward: `query` itself when it is not presigned or holds nothing to remove.
    static func forwardedQuery(_ query: Substring) -> Substring {
        let found =
            query.utf8.withContiguousStorageIfAvailable { forwardedRanges(of: $0) }
            ?? Array(query.utf8).withUnsafeBufferPointer { forwardedRanges(of: $0) }
        guard let kept = found else { return query }
        let utf8 = query.utf8
        var out = ""
        out.reserveCapacity(utf8.count)
        for (index, range) in kept.enumerated() {
            if index > 0 { out += "&" }
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            out += query[start..<utf8.index(start, offsetBy: range.count)]
        }
        return out[...]
    }

    /// The byte ranges of the `&`-separated pieces to keep, or nil when the query is to be forwarded unchanged.
    static func forwardedRanges(of bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var presigned = false
        forEachPiece(bytes) { piece in
            if !presigned { presigned = decodedEquals(bytes, nameRange(of: piece, in: bytes), signatureName) }
        }
        guard presigned else { return nil }
        var kept: [Range<Int>] = []
        forEachPiece(bytes) { piece in
            if !isCredential(bytes, nameRange(of: piece, in: bytes)) { kept.append(piece) }
        }
        return kept
    }

    /// The parameter names removed from a presigned request's query: the verifier's own list.
    static let credentialNames = PresignedQueryParameters.names

    private static let signatureName: StaticString = "X-Amz-Signature"

    private static func isCredential(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> Bool {
        credentialNames.contains { decodedEquals(bytes, name, $0) }
    }

    /// Calls `body` with each `&`-separated piece, empty ones included (they are forwarded as they came).
    private static func forEachPiece(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "&") {
            body(start..<index)
            start = index + 1
        }
    }

    /// The name part of a piece: up to the first `=`, or all of it.
    private static func nameRange(of piece: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let end = bytes[piece].firstIndex(of: UInt8(ascii: "=")) ?? piece.upperBound
        return piece.lowerBound..<end
    }

    /// Whether the bytes of `range`, with each valid `%XX` decoded, are `wanted`: the SigV4 verifier's own reading
    /// (`PercentEncoding.decodedEquals`, which its query parser calls too).
    private static func decodedEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ wanted: StaticString)
        -> Bool
    {
        PercentEncoding.decodedEquals(
            bytes, range, UnsafeBufferPointer(start: wanted.utf8Start, count: wanted.utf8CodeUnitCount))
    }
}
