import NIOCore
import NIOHTTP1

/// How the body of one client response travels (RFC 9112 §6.3), decided once from the request and the response
/// head.
enum ResponseBodyFraming: Equatable {
    /// No body whatever the headers say: a response to HEAD or CONNECT, a 1xx, 204 or 304. Body bytes are dropped.
    case none
    /// `content-length` is given: the bytes pass as they are.
    case fixed
    /// HTTP/1.1 without a length: chunked, ended by the last chunk.
    case chunked
    /// HTTP/1.0 without a length: the body ends when the connection closes.
    case untilClose

    init(statusCode code: Int, requestMethod: HTTPMethod, version: HTTPVersion, hasContentLength: Bool) {
        if requestMethod == .HEAD || requestMethod == .CONNECT || (100..<200).contains(code) || code == 204
            || code == 304
        {
            self = .none
        } else if hasContentLength {
            self = .fixed
        } else if version == .http1_0 {
            self = .untilClose
        } else {
            self = .chunked
        }
    }
}

/// Writes a client response head straight into bytes: the status line, then the headers as they are handed over,
/// then the framing header and the blank line.
///
/// Relayed heads are written from the upstream's parsed head (`ParsedResponseHead`) byte for byte, without an
/// `HTTPHeaders` or a `String` in between, and no `HTTPServerResponsePart` is boxed through the pipeline. Names and
/// values come from `ResponseHeadParser` (the upstream's head), from configuration checked against the RFC 9110
/// token rule (MOCK), or from Gatehouse itself, so no CR or LF can reach the wire through them.
struct ResponseHeadWriter {
    private var buffer: ByteBuffer
    /// A 1xx or 204 response must not carry `Content-Length` (RFC 9110 §8.6): a configured or relayed one is dropped.
    private let dropsContentLength: Bool
    /// Whether a `Content-Length` went into the head: the body's framing follows what was written, not what the
    /// source had (a relayed length can be dropped as named in `Connection`).
    private(set) var hasContentLength = false

    init(allocator: ByteBufferAllocator, version: HTTPVersion, status: HTTPResponseStatus, capacity: Int = 512) {
        dropsContentLength = (100..<200).contains(status.code) || status.code == 204
        buffer = allocator.buffer(capacity: capacity)
        buffer.writeStaticString(version == .http1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    mutating func add(_ name: String, _ value: String) {
        if Self.contentLength.contains(name) {
            if dropsContentLength { return }
            hasContentLength = true
        }
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    /// Copies field `index` of an upstream's head byte for byte: its name, `: `, its value. The parser admitted no
    /// CR or LF in either.
    mutating func add<Head: ParsedHTTPHead>(fieldAt index: Int, of head: Head) {
        let field = head.fields[index]
        head.bytes.withUnsafeReadableBytes { bytes in
            let name = UnsafeRawBufferPointer(rebasing: bytes[field.name])
            if Self.contentLength.contains(bytes: name) {
                if dropsContentLength { return }
                hasContentLength = true
            }
            let value = UnsafeRawBufferPointer(rebasing: bytes[field.value])
            // One write of the whole line (four through `ByteBuffer`'s checked writes cost more than the copy).
            let count = name.count + value.count + 4
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                var writer = HeadBytesWriter(out: out)
                writer.put(name)
                writer.put(": ")
                writer.put(value)
                writer.put("\r\n")
                return writer.count
            }
        }
    }

    /// Ends the head; a chunked body announces itself here.
    mutating func finish(framing: ResponseBodyFraming) -> ByteBuffer {
        if framing == .chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// `SIZE\r\n` before a chunk of `count` bytes.
    static func chunkHeader(_ count: Int, allocator: ByteBufferAllocator, reserving extra: Int = 0) -> ByteBuffer {
        var header = allocator.buffer(capacity: 18 + extra)
        writeChunkHeader(count, to: &header)
        return header
    }

    /// Writes `SIZE\r\n` (hexadecimal) onto `buffer`.
    static func writeChunkHeader(_ count: Int, to buffer: inout ByteBuffer) {
        buffer.writeString(String(count, radix: 16))
        buffer.writeStaticString("\r\n")
    }

    private static let contentLength = HeaderNameSet(["content-length"])

    static let chunkEnd = ByteBuffer(staticString: "\r\n")
    static let lastChunk = ByteBuffer(staticString: "0\r\n\r\n")
}
