/// Access to a string's UTF-8 bytes as a buffer. Native strings (all of them on Linux) hand out their storage
/// without a copy; parsing through a pointer costs a fraction of `String.UTF8View` iteration.
enum UTF8Bytes {
    @inline(__always)
    static func with<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }

    /// `first` then `second` in one stack buffer: one hash update costs more than copying a few hundred bytes.
    static func concatenated<R>(
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(byteCount: first.count + second.count, alignment: 1) { buffer in
            if let base = first.baseAddress { buffer.baseAddress!.copyMemory(from: base, byteCount: first.count) }
            if let base = second.baseAddress {
                (buffer.baseAddress! + first.count).copyMemory(from: base, byteCount: second.count)
            }
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    @inline(__always)
    static func with<R>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(text)
        return copy.withUTF8(body)
    }
}
