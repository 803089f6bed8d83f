/// Access to a string's UTF-8 bytes as a buffer. Native strings (all of them on Linux) hand out their storage
/// without a copy; parsing through a pointer costs a fraction of `String.UTF8View` iteration.
enum UTF8Bytes {
    @inline(__always)
    static func with<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }

    @inline(__always)
    static func with<R>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(text)
        return copy.withUTF8(body)
    }

    /// The substring of `text` between two UTF-8 offsets that fall on ASCII bytes.
    @inline(__always)
    static func slice(_ text: Substring, _ range: Range<Int>) -> Substring {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        return Substring(utf8[start..<end])
    }
}

extension UTF8Bytes {
    /// Byte equality (not constant time: for public values only).
    static func equal(_ lhs: Substring, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return with(lhs) { left in with(rhs) { right in ASCII.equals(left, right) } }
    }

    static func equal(_ lhs: Substring, _ rhs: Substring) -> Bool {
        with(lhs) { left in with(rhs) { right in ASCII.equals(left, right) } }
    }
}
