/// A header name reduced to integers: its length and its first and last eight bytes (which overlap in names
/// shorter than 16), ASCII-lowercased. Two names of at most 16 bytes are equal (ignoring case) exactly when their
/// keys are; longer names with equal keys are
/// then compared byte by byte. Matching signed names against the request's headers compares integers instead of
/// strings.
struct HeaderNameKey: Equatable {
    var length: Int
    var head: UInt64
    var tail: UInt64

    init(_ name: UnsafeBufferPointer<UInt8>) {
        length = name.count
        if name.count >= 8 {
            head = SWAR.lowercased(SWAR.load(name, from: 0, count: 8))
            tail = SWAR.lowercased(SWAR.load(name, from: name.count - 8, count: 8))
        } else {
            head = SWAR.lowercased(SWAR.load(name, from: 0, count: name.count))
            tail = 0
        }
    }

    /// Whether the key alone decides equality.
    var isExact: Bool { length <= 16 }

}
