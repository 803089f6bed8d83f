/// A request path decoded and normalized once, so that routing, the resource policy and the upstream request all
/// see the same segments: a path that normalizes one way for the policy and another for the upstream could slip
/// past a Deny. Percent-escapes are decoded per segment; `.` and empty segments are dropped; `..` removes the
/// segment before it. Encoded slashes, backslashes and NUL are refused rather than guessed at, and so is a `..`
/// that would climb above the root.
public struct NormalizedPath: Sendable, Equatable {
    /// Decoded segments, none empty, none `.` or `..`.
    public let segments: [String]
    /// Whether the path ended in `/` (kept so the upstream sees what the client asked for).
    public let trailingSlash: Bool

    public enum Problem: Error, Equatable {
        case notOriginForm
        case badEscape
        case forbiddenEncodedCharacter
        case climbsAboveRoot
    }

    /// Normalizes the path part of a request target (everything before `?`).
    public init(rawPath: Substring) throws(Problem) {
        guard rawPath.first == "/" else { throw .notOriginForm }
        let bytes = rawPath.utf8
        var segments: [String] = []
        segments.reserveCapacity(4)
        var trailingSlash = false
        // Segments are the runs between slashes, walked in place (no array of slices per request).
        var start = bytes.index(after: bytes.startIndex)
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            let segment = try NormalizedPath.decode(bytes[start..<end])
            trailingSlash = false
            switch segment {
            case "", ".":
                trailingSlash = true
            case "..":
                guard segments.popLast() != nil else { throw .climbsAboveRoot }
                trailingSlash = true
            default:
                segments.append(segment)
            }
            guard end < bytes.endIndex else { break }
            start = bytes.index(after: end)
        }
        if segments.isEmpty { trailingSlash = false }
        self.segments = segments
        self.trailingSlash = trailingSlash
    }

    public init(segments: [String], trailingSlash: Bool = false) {
        self.segments = segments
        self.trailingSlash = trailingSlash
    }

    /// The decoded path with a leading `/`, as used in resource ARNs and logs.
    public var decodedPath: String {
        "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
    }

    private static func decode(_ raw: Substring.UTF8View.SubSequence) throws(Problem) -> String {
        guard raw.contains(UInt8(ascii: "%")) else {
            // A raw NUL is refused as an encoded one is: routing and the upstream must not see different paths.
            guard !raw.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0 }) else {
                throw .forbiddenEncodedCharacter
            }
            return String(decoding: raw, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .badEscape
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        if bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }) {
            throw .forbiddenEncodedCharacter
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .badEscape }
        return text
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// Percent-encodes one path segment for the upstream request: RFC 3986 unreserved characters and the sub-delims
/// that are safe in a segment stay, everything else is escaped.
public func percentEncodePathSegment(_ segment: String) -> String {
    var out = ""
    out.reserveCapacity(segment.utf8.count)
    for byte in segment.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","),
            UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = Array("0123456789ABCDEF".utf8)
            out.unicodeScalars.append("%")
            out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
            out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xf)]))
        }
    }
    return out
}
