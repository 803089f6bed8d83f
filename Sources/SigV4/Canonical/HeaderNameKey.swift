/// A header name reduced to integers: its length and its first and last eight bytes, ASCII-lowercased. Two names
/// of at most 16 bytes are equal (ignoring case) exactly when their keys are; longer names with equal keys are
/// then compared byte by byte. Matching signed names against the request's headers compares integers instead of
/// strings.
struct HeaderNameKey: Equatable {
    var length: Int
    var head: UInt64
    var tail: UInt64

    init(_ name: UnsafeBufferPointer<UInt8>) {
        length = name.count
        head = SWAR.lowercased(SWAR.load(name, from: 0, count: min(8, name.count)))
        let tailStart = max(8, name.count - 8)
        tail = name.count > 8 ? SWAR.lowercased(SWAR.load(name, from: tailStart, count: name.count - tailStart)) : 0
    }

    /// Whether the key alone decides equality.
    var isExact: Bool { length <= 16 }

}
