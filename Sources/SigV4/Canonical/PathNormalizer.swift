import GatehouseBytes

/// Path normalization as AWS applies it for every service but S3: `.` and `..` segments are removed, empty
/// segments (`//`) collapse, a trailing slash is kept, and an empty result becomes `/`. This mirrors botocore's
/// `normalize_url_path`, so a gateway verifies exactly what SDKs sign.
enum PathNormalizer {
    /// Appends the normalized form of `path` to `out`.
    static func appendNormalized(_ path: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard !path.isEmpty else {
            out.append(ASCII.slash)
            return
        }
        // Fast path: nothing to normalize (no "//", no "." or ".." segment).
        if !needsNormalization(path) {
            out.append(contentsOf: path)
            return
        }
        var segments: [Range<Int>] = []
        var start = 0
        for index in 0...path.count {
            guard index == path.count || path[index] == ASCII.slash else { continue }
            let segment = start..<index
            start = index + 1
            if segment.isEmpty { continue }
            let dots = path[segment].allSatisfy { $0 == ASCII.dot } ? segment.count : 0
            if dots == 1 { continue }
            if dots == 2 {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        let leadingSlash = path[0] == ASCII.slash
        let trailingSlash = path[path.count - 1] == ASCII.slash && !segments.isEmpty
        let before = out.count
        if leadingSlash { out.append(ASCII.slash) }
        for (offset, segment) in segments.enumerated() {
            if offset > 0 { out.append(ASCII.slash) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: path[segment]))
        }
        if trailingSlash { out.append(ASCII.slash) }
        if out.count == before { out.append(ASCII.slash) }
    }

    /// False when the path is already normal (starts with `/`, no `//`, no `.` or `..` segment).
    static func needsNormalization(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard path[0] == ASCII.slash else { return true }
        var previous: UInt8 = 0
        var segmentStart = 0
        for index in 0...path.count {
            let byte = index == path.count ? ASCII.slash : path[index]
            if byte == ASCII.slash {
                if index < path.count && previous == ASCII.slash && index > 0 { return true }
                let length = index - segmentStart
                if length == 1 && path[segmentStart] == ASCII.dot { return true }
                if length == 2 && path[segmentStart] == ASCII.dot && path[segmentStart + 1] == ASCII.dot { return true }
                segmentStart = index + 1
            }
            previous = byte
        }
        return false
    }
}
