import GatehouseCore

/// The request path normalizer that routing, the resource policy and the upstream request share.
///
/// Properties: a normalized path has no empty, `.` or `..` segment and no segment holding `/`, `\` or NUL; the
/// path sent upstream (segments percent-encoded again) contains no dot segment or encoded slash and normalizes
/// back to the same path, so the upstream resolves what the policy was asked about (idempotence).
enum NormalizedPathFuzzTarget {
    static let target = FuzzTarget(name: "path", maximumLength: 2048, run: run)

    /// Contract §3: a segment carrying a `;` path parameter is refused (a raw `;`; an encoded `%3B` is data, kept in
    /// its segment and re-encoded for the upstream, so it never reaches it as a parameter).
    static let refusesPathParameters = true

    /// The product calls: normalize a raw path, and rebuild the path the upstream is sent (as
    /// `UpstreamRequestBuilder` does).
    static func normalize(_ raw: Substring) -> NormalizedPath? {
        try? NormalizedPath(rawPath: raw)
    }

    static func upstreamPath(_ path: NormalizedPath) -> String {
        "/" + path.segments.map(percentEncodePathSegment).joined(separator: "/") + (path.trailingSlash ? "/" : "")
    }

    static func run(_ input: [UInt8]) {
        let raw = String(decoding: input, as: UTF8.self)
        guard let path = normalize(raw[...]) else { return }
        for segment in path.segments {
            FuzzCheck.require(!segment.isEmpty && segment != "." && segment != "..", "kept segment \(segment)")
            FuzzCheck.require(
                !segment.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }),
                "segment \(segment.debugDescription) holds a slash, backslash or NUL")
        }
        FuzzCheck.require(!path.segments.isEmpty || !path.trailingSlash, "root with a trailing slash")
        // The normalizer's shortcut (the raw text when nothing was rewritten) must say what the segments say.
        let joined = "/" + path.segments.joined(separator: "/") + (path.trailingSlash ? "/" : "")
        FuzzCheck.require(
            path.decodedPath == joined,
            "\(raw.debugDescription): decodedPath \(path.decodedPath) but segments \(joined)")
        let upstream = upstreamPath(path)
        if refusesPathParameters {
            FuzzCheck.require(!input.contains(UInt8(ascii: ";")), "accepted \(raw.debugDescription) with a ; parameter")
            FuzzCheck.require(!upstream.utf8.contains(UInt8(ascii: ";")), "upstream path \(upstream) has a raw ;")
        }
        // Byte-level and ASCII-lowercased: String's Character search would cost more than the normalizer itself.
        let lowered = upstream.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for forbidden in forbiddenInUpstream {
            FuzzCheck.require(
                !contains(lowered, forbidden),
                "upstream path \(upstream) contains \(String(decoding: forbidden, as: UTF8.self))")
        }
        FuzzCheck.require(
            !upstream.hasSuffix("/.") && !upstream.hasSuffix("/.."), "upstream path \(upstream) ends in a dot segment")
        guard let again = normalize(upstream[...]) else {
            FuzzCheck.fail("upstream path \(upstream) of \(raw.debugDescription) does not normalize")
        }
        FuzzCheck.require(
            again == path, "\(raw.debugDescription) → \(upstream) → \(again.decodedPath): not idempotent")
    }

    static let forbiddenInUpstream = ["//", "/./", "/../", "%2f", "%5c", "%00"].map { Array($0.utf8) }

    private static func contains(_ text: [UInt8], _ part: [UInt8]) -> Bool {
        guard text.count >= part.count else { return false }
        return (0...(text.count - part.count)).contains { text[$0..<($0 + part.count)].elementsEqual(part) }
    }
}
