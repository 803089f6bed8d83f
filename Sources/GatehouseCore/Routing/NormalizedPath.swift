import GatehouseBytes

/// A request path decoded and normalized once, so that routing, the resource policy and the upstream request all
/// see the same segments: a path that normalizes one way for the policy and another for the upstream could slip
/// past a Deny (contract section 3, "Hostile input").
///
/// Percent-escapes are decoded per segment; `.` and empty segments are dropped and `..` removes the segment before
/// it, also when written with escapes (`%2e%2e`, `.%2E`); a `..` at the root stays at the root, as AWS's path
/// normalization (RFC 3986 `remove_dot_segments`) clamps it. What an upstream could read as a different path is
/// refused rather than guessed at: a `;` path parameter (Tomcat, Jetty and Spring strip path parameters after the
/// policy looked, so `/public/..;/admin` would reach `/admin`), an encoded `/` or `\`, a `\` and a NUL. An encoded
/// `;` (`%3B`) is data, not a delimiter (RFC 3986 §2.2): it stays in its segment and is forwarded encoded.
public struct NormalizedPath: Sendable, Equatable {
    /// Decoded segments, none empty, none `.` or `..`, none holding `/`, `\` or NUL.
    public let segments: [String]
    /// Whether the path ended in `/` (kept so the upstream sees what the client asked for).
    public let trailingSlash: Bool
    /// The decoded path with a leading `/`, as used in resource ARNs and logs. Made once: every request's access
    /// record uses it, and for the usual path — nothing decoded or dropped — it is the raw path's text as it came.
    public let decodedPath: String

    public enum Problem: Error, Equatable, Sendable {
        /// The target does not start with `/` (absolute-form, `*`, or garbage).
        case notOriginForm
        /// A `%` not followed by two hex digits.
        case badEscape
        /// A segment whose bytes, once decoded, are not UTF-8.
        case notUTF8
        /// An encoded `/` or `\` (`%2F`, `%5C`), a raw `\`, or a NUL (raw or `%00`).
        case forbiddenEncodedCharacter
        /// A raw `;` in a segment: a path parameter, which some upstreams strip after the policy looked.
        case pathParameter
    }

    /// The one entry point: normalizes the path part of a request target (everything before `?`), as raw bytes.
    /// Pure, allocation-bounded by the input, and total over every byte string, so a fuzz harness can call it
    /// directly.
    public static func normalize(rawPath bytes: UnsafeBufferPointer<UInt8>) -> Result<NormalizedPath, Problem> {
        guard bytes.first == UInt8(ascii: "/") else { return .failure(.notOriginForm) }
        var segments: [String] = []
        segments.reserveCapacity(4)
        var trailingSlash = false
        // Whether the normal form differs from the raw bytes (an escape decoded, a segment dropped).
        var rewritten = false
        // Segments are the runs between slashes, walked in place (no array of slices per request).
        var start = 1
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            let segment: String
            switch decode(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
            case .success(let text): segment = text
            case .failure(let problem): return .failure(problem)
            }
            if segment.utf8.count != end - start { rewritten = true }
            trailingSlash = false
            switch segment {
            case "", ".":
                trailingSlash = true
                // An empty last segment is the trailing slash itself; anywhere else a segment was dropped.
                if segment == "." || end < bytes.endIndex { rewritten = true }
            case "..":
                // At the root, `..` stays at the root (RFC 3986 §5.2.4, and AWS's canonical URI).
                _ = segments.popLast()
                trailingSlash = true
                rewritten = true
            default:
                segments.append(segment)
            }
            guard end < bytes.endIndex else { break }
            start = end + 1
        }
        if segments.isEmpty { trailingSlash = false }
        guard !rewritten else { return .success(NormalizedPath(segments: segments, trailingSlash: trailingSlash)) }
        return .success(
            NormalizedPath(
                segments: segments, trailingSlash: trailingSlash, decodedPath: String(decoding: bytes, as: UTF8.self)))
    }

    /// Normalizes the path part of a request target (everything before `?`); see `normalize(rawPath:)`.
    public init(rawPath: Substring) throws(Problem) {
        let result =
            rawPath.utf8.withContiguousStorageIfAvailable { NormalizedPath.normalize(rawPath: $0) }
            ?? Array(rawPath.utf8).withUnsafeBufferPointer { NormalizedPath.normalize(rawPath: $0) }
        self = try result.get()
    }

    public init(segments: [String], trailingSlash: Bool = false) {
        self.init(
            segments: segments, trailingSlash: trailingSlash,
            decodedPath: Self.joined(segments, trailingSlash: trailingSlash))
    }

    private init(segments: [String], trailingSlash: Bool, decodedPath: String) {
        self.segments = segments
        self.trailingSlash = trailingSlash
        self.decodedPath = decodedPath
    }

    /// The segments joined, in one buffer sized once (joining and concatenating allocated twice for paths over 15
    /// bytes); only for a path the normalizer rewrote, or one made from segments.
    private static func joined(_ segments: [String], trailingSlash: Bool) -> String {
        var path = ""
        path.reserveCapacity(segments.reduce(2) { $0 + $1.utf8.count + 1 })
        path.append("/")
        for (index, segment) in segments.enumerated() {
            if index > 0 { path.append("/") }
            path.append(segment)
        }
        if trailingSlash { path.append("/") }
        return path
    }

    /// One segment's bytes decoded. The common segment has no `%` and is checked and copied in one pass.
    private static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> Result<String, Problem> {
        var escaped = false
        var ascii = true
        for byte in raw {
            switch byte {
            case UInt8(ascii: "%"): escaped = true
            case UInt8(ascii: ";"): return .failure(.pathParameter)
            case UInt8(ascii: "\\"), 0: return .failure(.forbiddenEncodedCharacter)
            case 0x80...: ascii = false
            default: continue
            }
        }
        guard escaped else {
            // ASCII is UTF-8 already: the usual segment skips the generic validation (most of this function's cost).
            if ascii { return .success(String(decoding: raw, as: UTF8.self)) }
            guard let text = String(validating: raw, as: UTF8.self) else { return .failure(.notUTF8) }
            return .success(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            var byte = raw[index]
            if byte == ASCII.percent {
                guard let decoded = PercentEncoding.escapedByte(raw, at: index, end: raw.count) else {
                    return .failure(.badEscape)
                }
                byte = decoded
                index += 3
                if byte == ASCII.slash || byte == UInt8(ascii: "\\") || byte == 0 {
                    return .failure(.forbiddenEncodedCharacter)
                }
            } else {
                index += 1
            }
            bytes.append(byte)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
        return .success(text)
    }
}

/// Percent-encodes one path segment for the upstream request: RFC 3986 unreserved characters and the sub-delims
/// that are safe in a segment stay, everything else is escaped. A `;` (sent as `%3B`) is escaped too, so no
/// segment becomes a path parameter on its way out.
public func percentEncodePathSegment(_ segment: String) -> String {
    let isKept: (UInt8) -> Bool = { byte in
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: PercentEncoding.isUnreserved(byte)
        }
    }
    // The usual segment needs no escape: it is forwarded as it is, without a new string.
    if segment.utf8.allSatisfy(isKept) { return segment }
    return PercentEncoding.encoded(segment.utf8, keeping: isKept)
}
