import GatehouseBytes
import NIOCore

/// A strict RFC 9112 response-head parser over bytes, the counterpart of `RequestHeadParser` and built from the same
/// parts: `HTTPHeadScanner` finds the head's end across reads (bare CR or LF refused, size bounded), then `parse`
/// reads the complete head once into a `ParsedResponseHead` of offsets, and `HTTPFieldLines` reads its field lines
/// under the request's rules (token names, no whitespace before `:`, no obs-fold, field-value bytes only).
///
/// - status line: `HTTP/1.0` or `HTTP/1.1`, SP, three digits, then SP and a reason phrase of field-value bytes
///   (possibly empty), or nothing (`HTTP/1.1 200` is read as llhttp and nginx read it); CRLF;
/// - no empty line may come before the status line (RFC 9112 §2.2 leaves that to servers reading requests);
/// - the head is at most `maxHeadBytes` (`defaultMaxHeadBytes`, 64 KiB: a fixed bound, not the client's
///   `max_header_bytes`, since it protects Gatehouse from its upstreams, as nginx's `proxy_buffer_size` does), and
///   at most `maxFields` field lines.
///
/// Errors are `RequestParseError`s, the grammar's shared vocabulary; `UpstreamResponseDecoder` makes them
/// `UpstreamProtocolError`s.
struct ResponseHeadParser {
    static let defaultMaxHeadBytes = 64 * 1024

    let maxFields: Int
    private var scanner: HTTPHeadScanner

    init(maxHeadBytes: Int = Self.defaultMaxHeadBytes, maxFields: Int = 1000) {
        self.maxFields = maxFields
        self.scanner = HTTPHeadScanner(maxHeadBytes: maxHeadBytes, skipsLeadingEmptyLines: false, noun: "response head")
    }

    typealias Scan = HTTPHeadScanner.Scan

    /// Looks at the bytes of `input` not seen yet (`HTTPHeadScanner.scan`). The caller must not consume bytes of
    /// `input` between calls until the scan completes or fails, and calls `reset()` before the next head.
    mutating func scan(_ input: ByteBuffer) throws(RequestParseError) -> Scan {
        try scanner.scan(input)
    }

    /// Ready for the next head, once the caller has consumed the bytes of this one.
    mutating func reset() {
        scanner.reset()
    }

    /// Parses one complete head: `head` holds exactly the bytes from the status line through the blank line, as
    /// `scan` delimited them.
    func parse(_ head: ByteBuffer) throws(RequestParseError) -> ParsedResponseHead {
        let maxFields = self.maxFields
        let result: Result<ParsedResponseHead, RequestParseError> = head.withUnsafeReadableBytes { bytes in
            Self.parse(bytes, maxFields: maxFields).map { line, fields in
                ParsedResponseHead(
                    bytes: head, minorVersion: line.minorVersion, statusCode: line.statusCode, reason: line.reason,
                    fields: fields)
            }
        }
        return try result.get()
    }

    private struct StatusLine {
        var minorVersion: Int
        var statusCode: Int
        var reason: Range<Int>
    }

    private static func parse(
        _ bytes: UnsafeRawBufferPointer, maxFields: Int
    ) -> Result<(StatusLine, [HTTPFieldLine]), RequestParseError> {
        let end = bytes.count
        // `HTTP/1.x SP DDD`: 12 bytes, then CRLF at least.
        guard end >= 14, HTTPFieldLines.matches(bytes, at: 0, "HTTP/1."), bytes[8] == ASCII.space else {
            return .failure(.malformed("Malformed status line"))
        }
        let minor = bytes[7]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else {
            return .failure(.malformed("Unsupported HTTP version"))
        }
        var statusCode = 0
        for offset in 9..<12 {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return .failure(.malformed("Malformed status line")) }
            statusCode = statusCode * 10 + Int(digit)
        }
        var index = 12
        var reason = index..<index
        if bytes[index] == ASCII.space {
            index += 1
            let reasonStart = index
            while index < end, HTTPByteClass.isFieldValueByte(bytes[index]) { index += 1 }
            reason = reasonStart..<index
        }
        guard index + 1 < end, bytes[index] == ASCII.carriageReturn, bytes[index + 1] == ASCII.newline else {
            return .failure(.malformed("Malformed status line"))
        }
        let line = StatusLine(minorVersion: minor == UInt8(ascii: "1") ? 1 : 0, statusCode: statusCode, reason: reason)
        return HTTPFieldLines.parse(bytes, from: index + 2, maxFields: maxFields).map { (line, $0) }
    }
}
