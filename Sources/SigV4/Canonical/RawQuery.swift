import GatehouseBytes

/// A raw query string, read in place as `name=value` pairs: the verifier looks up the `X-Amz-*` parameters and
/// builds the canonical query from it without copying the query or allocating per pair.
struct RawQuery: Sendable {
    private let text: String

    init(_ query: String?) {
        text = query ?? ""
    }

    /// The query's length in bytes, to size the canonical request.
    var byteCount: Int { text.utf8.count }

    /// The percent-decoded value of the first parameter whose decoded name is `name` (case-sensitive, as AWS).
    func value(named name: String) -> String? {
        UTF8Bytes.with(text) { bytes in
            UTF8Bytes.with(name) { wanted in
                var found: String?
                Self.forEachPair(bytes) { pair in
                    guard PercentEncoding.decodedEquals(bytes, pair.name, wanted) else { return true }
                    let value = PercentEncoding.decoded(UnsafeBufferPointer(rebasing: bytes[pair.value]))
                    found = String(decoding: value, as: UTF8.self)
                    return false
                }
                return found
            }
        }
    }

    /// Whether a parameter's decoded name is `name`.
    func contains(_ name: StaticString) -> Bool {
        guard !text.isEmpty else { return false }
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return UTF8Bytes.with(text) { bytes in
            var found = false
            Self.forEachPair(bytes) { pair in
                found = PercentEncoding.decodedEquals(bytes, pair.name, wanted)
                return !found
            }
            return found
        }
    }

    /// The first of `names` that the query gives more than once (by decoded name), in one pass over the query.
    func firstRepeated(among names: [StaticString]) -> StaticString? {
        guard !text.isEmpty else { return nil }
        return UTF8Bytes.with(text) { bytes in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: names.count) { seen in
                seen.initialize(repeating: false)
                var repeated: StaticString?
                Self.forEachPair(bytes) { pair in
                    for (index, name) in names.enumerated() {
                        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
                        guard PercentEncoding.decodedEquals(bytes, pair.name, wanted) else { continue }
                        if seen[index] {
                            repeated = name
                            return false
                        }
                        seen[index] = true
                        break
                    }
                    return true
                }
                return repeated
            }
        }
    }

    /// Writes the canonical query: each name and value decoded then re-encoded, pairs sorted by encoded name then
    /// encoded value, `X-Amz-Signature` left out for presigned requests. Pairs are encoded into a scratch buffer on
    /// the stack and sorted as ranges.
    func writeCanonical(excludeSignature: Bool, to out: inout ByteWriter) {
        guard !text.isEmpty else { return }
        UTF8Bytes.with(text) { bytes in
            // Most clients send a query that is already canonical: copy it whole.
            if !excludeSignature && Self.isCanonical(bytes) {
                out.append(bytes)
                return
            }
            var pairCount = 0
            Self.forEachPair(bytes) { _ in
                pairCount += 1
                return true
            }
            guard pairCount > 0 else { return }
            withUnsafeTemporaryAllocation(of: EncodedPair.self, capacity: pairCount) { pairs in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * bytes.count) { scratch in
                    var used = 0
                    var count = 0
                    Self.forEachPair(bytes) { pair in
                        if excludeSignature && PercentEncoding.decodedEquals(bytes, pair.name, Self.signatureName) {
                            return true
                        }
                        let name = Self.encode(bytes, pair.name, into: scratch, at: &used)
                        let value = Self.encode(bytes, pair.value, into: scratch, at: &used)
                        pairs[count] = EncodedPair(name: name, value: value)
                        count += 1
                        return true
                    }
                    var encoded = UnsafeMutableBufferPointer(rebasing: pairs[0..<count])
                    let text = UnsafeBufferPointer(scratch)
                    if count > 1 {
                        encoded.sort { left, right in
                            let names = Self.compare(text, left.name, right.name)
                            return names != 0 ? names < 0 : Self.compare(text, left.value, right.value) < 0
                        }
                    }
                    for index in 0..<count {
                        if index > 0 { out.append(ASCII.ampersand) }
                        out.append(UnsafeBufferPointer(rebasing: text[encoded[index].name]))
                        out.append(ASCII.equals)
                        out.append(UnsafeBufferPointer(rebasing: text[encoded[index].value]))
                    }
                }
            }
        }
    }

    /// True when the canonical form of the query is the query itself: every pair is `name=value` with only
    /// unreserved bytes (so decoding and re-encoding change nothing), no pair is empty, and the pairs are already
    /// in order.
    static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        var equals = -1
        var previous: (name: Range<Int>, value: Range<Int>)?
        for index in 0...bytes.count {
            if index < bytes.count {
                let byte = bytes[index]
                if PercentEncoding.isUnreserved(byte) { continue }
                if byte == ASCII.equals && equals < 0 {
                    equals = index
                    continue
                }
                guard byte == ASCII.ampersand else { return false }
            }
            guard equals >= 0 else { return false }
            let pair = (name: start..<equals, value: (equals + 1)..<index)
            if let previous {
                let names = compare(bytes, previous.name, pair.name)
                if names > 0 || (names == 0 && compare(bytes, previous.value, pair.value) > 0) { return false }
            }
            previous = pair
            start = index + 1
            equals = -1
        }
        return true
    }

    private struct EncodedPair {
        var name: Range<Int>
        var value: Range<Int>
    }

    private static var signatureName: UnsafeBufferPointer<UInt8> {
        let literal: StaticString = "X-Amz-Signature"
        return UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// Calls `body` with each non-empty `&`-separated pair (a pair without `=` has an empty value) until it
    /// returns false.
    private static func forEachPair(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: ((name: Range<Int>, value: Range<Int>)) -> Bool
    ) {
        var start = 0
        var equals = -1
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == ASCII.ampersand {
                if index > start {
                    let pair =
                        equals >= 0 ? (start..<equals, (equals + 1)..<index) : (start..<index, index..<index)
                    if !body(pair) { return }
                }
                start = index + 1
                equals = -1
            } else if equals < 0 && bytes[index] == ASCII.equals {
                equals = index
            }
            index += 1
        }
    }

    /// Decodes `range` and re-encodes it into `scratch` at `used`; returns where it went.
    private static func encode(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into scratch: UnsafeMutableBufferPointer<UInt8>,
        at used: inout Int
    ) -> Range<Int> {
        let start = used
        var index = range.lowerBound
        while index < range.upperBound {
            let (byte, next) = PercentEncoding.decodedByte(bytes, at: index, end: range.upperBound)
            if PercentEncoding.isUnreserved(byte) {
                scratch[used] = byte
                used += 1
            } else {
                scratch[used] = ASCII.percent
                scratch[used + 1] = Hex.upperDigit(byte >> 4)
                scratch[used + 2] = Hex.upperDigit(byte & 0x0f)
                used += 3
            }
            index = next
        }
        return start..<used
    }

    /// Lexicographic byte order of two ranges of `text`: negative, zero or positive.
    private static func compare(_ text: UnsafeBufferPointer<UInt8>, _ left: Range<Int>, _ right: Range<Int>) -> Int {
        let common = min(left.count, right.count)
        for offset in 0..<common {
            let a = text[left.lowerBound + offset]
            let b = text[right.lowerBound + offset]
            if a != b { return a < b ? -1 : 1 }
        }
        return left.count - right.count
    }
}
