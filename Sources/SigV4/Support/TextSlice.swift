import GatehouseBytes

/// A part of a string by UTF-8 offsets: what the parsers hand on instead of `Substring`, whose index arithmetic
/// and scalar alignment cost more than the parsing itself. Offsets always fall on ASCII delimiters.
struct TextSlice: Sendable, CustomStringConvertible {
    let base: String
    let range: Range<Int>

    init(_ base: String) {
        self.base = base
        self.range = 0..<base.utf8.count
    }

    init(_ base: String, _ range: Range<Int>) {
        self.base = base
        self.range = range
    }

    var count: Int { range.count }

    /// A part of this slice, by offsets relative to its start.
    func slice(_ relative: Range<Int>) -> TextSlice {
        TextSlice(base, (range.lowerBound + relative.lowerBound)..<(range.lowerBound + relative.upperBound))
    }

    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        UTF8Bytes.with(base) { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Byte equality (not constant time: for public values only).
    func equals(_ other: TextSlice) -> Bool {
        guard count == other.count else { return false }
        return withBytes { left in other.withBytes { ASCII.equals(left, $0) } }
    }

    func equals(_ other: String) -> Bool {
        guard count == other.utf8.count else { return false }
        return withBytes { left in UTF8Bytes.with(other) { ASCII.equals(left, $0) } }
    }

    func equals(_ literal: StaticString) -> Bool {
        withBytes { ASCII.equals($0, literal) }
    }

    /// A copy as a String (small strings, up to 15 bytes, need no allocation).
    var string: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }

    var description: String { string }
}
