/// The elements of a list-valued field (RFC 9110 §5.6.1), such as `Connection`: comma-separated, trimmed of spaces
/// and tabs, empty elements skipped. Walked over the value's bytes in place.
enum HTTPListElements {
    /// Calls `body` with the range of each element of `value`.
    static func forEach(in value: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last, HTTPByteClass.isWhitespace(value[first]) { first += 1 }
            while first < last, HTTPByteClass.isWhitespace(value[last - 1]) { last -= 1 }
            if first < last { body(first..<last) }
            start = end + 1
        }
    }
}
