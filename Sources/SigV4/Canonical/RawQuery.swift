/// A raw query string split into `name=value` pairs once, so the verifier can both look up the `X-Amz-*`
/// parameters and build the canonical query without parsing twice.
struct RawQuery: Sendable {
    private let bytes: [UInt8]
    private let pairs: [(name: Range<Int>, value: Range<Int>)]

    init(_ query: String?) {
        guard let query, !query.isEmpty else {
            bytes = []
            pairs = []
            return
        }
        let bytes = Array(query.utf8)
        var pairs: [(name: Range<Int>, value: Range<Int>)] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == ASCII.ampersand {
            if index > start {
                if let equals = bytes[start..<index].firstIndex(of: ASCII.equals) {
                    pairs.append((start..<equals, (equals + 1)..<index))
                } else {
                    pairs.append((start..<index, index..<index))
                }
            }
            start = index + 1
        }
        self.bytes = bytes
        self.pairs = pairs
    }

    var isEmpty: Bool { pairs.isEmpty }

    /// The percent-decoded value of the first parameter whose decoded name is `name` (case-sensitive, as AWS).
    func value(named name: String) -> String? {
        let wanted = Array(name.utf8)
        for pair in pairs where decodedEquals(pair.name, wanted) {
            return String(decoding: URIEncoding.percentDecoded(bytes[pair.value]), as: UTF8.self)
        }
        return nil
    }

    func contains(_ name: String) -> Bool {
        let wanted = Array(name.utf8)
        return pairs.contains { decodedEquals($0.name, wanted) }
    }

    /// Appends the canonical query: each name and value decoded then re-encoded, pairs sorted by encoded name then
    /// encoded value, `X-Amz-Signature` left out for presigned requests.
    func appendCanonical(excludeSignature: Bool, to out: inout [UInt8]) {
        guard !pairs.isEmpty else { return }
        let signatureName = Array("X-Amz-Signature".utf8)
        var encoded: [(name: [UInt8], value: [UInt8])] = []
        encoded.reserveCapacity(pairs.count)
        for pair in pairs {
            if excludeSignature && decodedEquals(pair.name, signatureName) { continue }
            var name: [UInt8] = []
            var value: [UInt8] = []
            URIEncoding.appendCanonicalQueryComponent(bytes[pair.name], to: &name)
            URIEncoding.appendCanonicalQueryComponent(bytes[pair.value], to: &value)
            encoded.append((name, value))
        }
        if encoded.count > 1 {
            encoded.sort { left, right in
                if left.name != right.name { return left.name.lexicographicallyPrecedes(right.name) }
                return left.value.lexicographicallyPrecedes(right.value)
            }
        }
        for (index, pair) in encoded.enumerated() {
            if index > 0 { out.append(ASCII.ampersand) }
            out.append(contentsOf: pair.name)
            out.append(ASCII.equals)
            out.append(contentsOf: pair.value)
        }
    }

    private func decodedEquals(_ range: Range<Int>, _ wanted: [UInt8]) -> Bool {
        let slice = bytes[range]
        if !slice.contains(ASCII.percent) { return slice.elementsEqual(wanted) }
        return URIEncoding.percentDecoded(slice) == wanted
    }
}
