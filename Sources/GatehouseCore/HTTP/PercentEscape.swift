/// Percent-escapes read on bytes, for the request path and query: one copy in this module, so the path normalizer
/// and the presigned-query filter read `%XX` the same way (the shared byte module may absorb it).
enum PercentEscape {
    /// The value of one hex digit, either case; nil for any other byte.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The byte at `index` with a valid `%XX` decoded, and the index after it; an invalid escape stays a literal
    /// `%` and `+` stays a plus — the SigV4 verifier's reading of a query (query strings are not form-encoded).
    @inline(__always)
    static func lenientlyDecodedByte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (UInt8, Int) {
        let byte = bytes[index]
        if byte == UInt8(ascii: "%"), end - index >= 3, let high = hexValue(bytes[index + 1]),
            let low = hexValue(bytes[index + 2])
        {
            return (high << 4 | low, index + 3)
        }
        return (byte, index + 1)
    }
}
