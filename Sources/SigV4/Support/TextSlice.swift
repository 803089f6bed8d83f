import GatehouseBytes

/// A part of a string by UTF-8 offsets: what the parsers hand on instead of `Substring`, whose index arithmetic
/// and scalar alignment cost more than the parsing itself. Offsets always fall on ASCII delimiters.
///
/// The bytes are a `String`'s, or — for the `Authorization` value of a head the gateway lends the verifier
/// (`SigV4HeaderFields.withBorrowed`) — the lent bytes themselves, so that parsing it makes no `String` and no
/// reference counting. Such a slice is valid only during `SigV4Verifier.begin`: nothing it makes keeps one.
struct TextSlice: @unchecked Sendable, CustomStringConvertible {
    private enum Base {
        case string(String)
        /// Memory the caller of `SigV4HeaderFields.withBorrowed` owns; ASCII only (checked by the parser's caller).
        case borrowed(UnsafeBufferPointer<UInt8>)
    }

    private let base: Base
    let range: Range<Int>

    init(_ base: String) {
        self.base = .string(base)
        self.range = 0..<base.utf8.count
    }

    init(_ base: String, _ range: Range<Int>) {
        self.base = .string(base)
        self.range = range
    }

    /// A part of lent bytes; see the type's note on how long it may be used.
    init(borrowing bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.base = .borrowed(bytes)
        self.range = range
    }

    private init(base: Base, range: Range<Int>) {
        self.base = base
        self.range = range
    }

    var count: Int { range.count }

    /// A part of this slice, by offsets relative to its start.
    func slice(_ relative: Range<Int>) -> TextSlice {
        TextSlice(
            base: base, range: (range.lowerBound + relative.lowerBound)..<(range.lowerBound + relative.upperBound))
    }

    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch base {
        case .string(let text): UTF8Bytes.with(text) { body(UnsafeBufferPointer(rebasing: $0[range])) }
        case .borrowed(let bytes): body(UnsafeBufferPointer(rebasing: bytes[range]))
        }
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
