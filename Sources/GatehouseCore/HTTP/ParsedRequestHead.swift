import GatehouseBytes
import NIOCore

/// A request head as the client sent it: the head's own bytes and, for the request line and each field line, where
/// its parts lie in them. Nothing is copied into a `String` until a caller asks, so a value reaches the upstream
/// byte for byte (obs-text included) and SigV4 can canonicalize the very bytes that were signed.
///
/// Made only by `RequestHeadParser`, which has checked the RFC 9112 grammar: names are tokens, values hold only
/// VCHAR, obs-text, SP and HTAB without leading or trailing whitespace, and no CR or LF is anywhere in a part.
struct ParsedRequestHead: Sendable {
    /// One field line: the ranges of its name and of its value (without the surrounding whitespace) in `bytes`.
    struct Field: Sendable, Equatable {
        let name: Range<Int>
        let value: Range<Int>
    }

    /// The head from the first byte of the request line through the blank line; offsets below index it from 0.
    let bytes: ByteBuffer
    let method: Range<Int>
    let target: Range<Int>
    /// The minor version of `HTTP/1.x`: 0 or 1.
    let minorVersion: Int
    let fields: [Field]

    /// The head's size as it counts against `max_header_bytes`.
    var count: Int { bytes.readableBytes }

    var methodString: String { string(method) }
    var targetString: String { string(target) }

    func name(_ index: Int) -> String { string(fields[index].name) }

    /// The value's bytes, sharing the head's storage.
    func valueBytes(_ index: Int) -> ByteBuffer {
        let range = fields[index].value
        return bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)!
    }

    /// The value as text: exact for UTF-8 values, lossy (U+FFFD) for other obs-text. For code that reads values
    /// which are ASCII by definition (`Host`, `Content-Length`, SigV4's fields); forwarding uses `valueBytes`.
    func valueString(_ index: Int) -> String { string(fields[index].value) }

    /// Whether field `index` is named `lowercaseName` (ASCII case-insensitive).
    func fieldIs(_ index: Int, _ lowercaseName: String) -> Bool {
        withBytes(fields[index].name) { ASCII.equalsIgnoringCase($0, lowercaseName.utf8) }
    }

    /// The indices of the fields named `lowercaseName`, in order.
    func indices(of lowercaseName: String) -> [Int] {
        fields.indices.filter { fieldIs($0, lowercaseName) }
    }

    /// Calls `body` with the bytes of `range`.
    func withBytes<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeReadableBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private func string(_ range: Range<Int>) -> String {
        withBytes(range) { String(decoding: $0, as: UTF8.self) }
    }
}
