import GatehouseBytes
import NIOCore

/// What request and response heads parsed by Gatehouse have in common: the head's own bytes and where each field
/// line's name and value lie in them. Lookups compare bytes in place, so reading a head's framing or relaying its
/// fields makes no `String` and no dictionary.
protocol ParsedHTTPHead: Sendable {
    /// The head from the first byte of its start line through the blank line; field ranges index it from 0.
    var bytes: ByteBuffer { get }
    var fields: [HTTPFieldLine] { get }
    /// The minor version of `HTTP/1.x`: 0 or 1.
    var minorVersion: Int { get }
}

extension ParsedHTTPHead {
    /// The head's size in bytes, as it counts against its limit.
    var count: Int { bytes.readableBytes }

    func name(_ index: Int) -> String { string(fields[index].name) }

    /// The value's bytes, sharing the head's storage.
    func valueBytes(_ index: Int) -> ByteBuffer {
        let range = fields[index].value
        return bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count)!
    }

    /// The value as text: exact for UTF-8 values, lossy (U+FFFD) for other obs-text. For code that reads values
    /// which are ASCII by definition (`Host`, `Content-Length`, SigV4's fields); forwarding uses the bytes.
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

    func string(_ range: Range<Int>) -> String {
        withBytes(range) { String(decoding: $0, as: UTF8.self) }
    }
}
