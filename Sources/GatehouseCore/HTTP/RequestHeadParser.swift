import GatehouseBytes
import NIOCore

/// A strict RFC 9112 request-head parser over bytes, in two steps so that a head fed one byte per read costs no
/// more than one fed at once:
/// - `scan` looks at each byte once, across reads, for the blank line ending the head, refusing a bare CR or LF and
///   a head past `maxHeadBytes` as soon as they are seen;
/// - `parse` then reads the complete head once into a `ParsedRequestHead`: offsets into the bytes, no copies.
///
/// Rules (the contract's "Hostile input" and RFC 9112 §2–5):
/// - lines end with CRLF; a bare LF or a CR not followed by LF is 400 (stricter than nginx, which accepts bare LF);
/// - empty lines before the request line are skipped (RFC 9112 §2.2); they count against no request;
/// - request line: `token SP request-target SP HTTP/1.0|HTTP/1.1`, single spaces, a visible-ASCII target;
/// - field line: a token name, `:` with no whitespace before it, optional whitespace, a value of VCHAR, obs-text,
///   SP and HTAB, optional whitespace; a line starting with whitespace (obs-fold) is 400;
/// - the head's size is every byte from the request line through the blank line's CRLF: exactly `maxHeadBytes` is
///   accepted, one more is 431; more than `maxFields` field lines is 431.
///
/// The scan and the field-line grammar are `HTTPHeadScanner` and `HTTPFieldLines`, shared with `ResponseHeadParser`.
/// Pure: no channel or event loop, so a fuzz harness can drive it (see `RequestDecoder.parse(_:limits:)`).
struct RequestHeadParser {
    let maxHeadBytes: Int
    let maxFields: Int

    private var scanner: HTTPHeadScanner

    init(maxHeadBytes: Int, maxFields: Int = 1000) {
        self.maxHeadBytes = maxHeadBytes
        self.maxFields = maxFields
        self.scanner = HTTPHeadScanner(maxHeadBytes: maxHeadBytes, skipsLeadingEmptyLines: true, noun: "request head")
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

    /// Parses one complete head: `head` holds exactly the bytes from the request line through the blank line, as
    /// `scan` delimited them.
    func parse(_ head: ByteBuffer) throws(RequestParseError) -> ParsedRequestHead {
        let maxFields = self.maxFields
        let result: Result<ParsedRequestHead, RequestParseError> = head.withUnsafeReadableBytes { bytes in
            Self.parse(bytes, maxFields: maxFields).map { parts in
                ParsedRequestHead(
                    bytes: head, method: parts.method, target: parts.target, minorVersion: parts.minorVersion,
                    fields: parts.fields)
            }
        }
        return try result.get()
    }

    private struct Parts {
        var method: Range<Int>
        var target: Range<Int>
        var minorVersion: Int
        var fields: [HTTPFieldLine]
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, maxFields: Int) -> Result<Parts, RequestParseError> {
        let end = bytes.count
        var index = 0
        // Request line.
        while index < end, ASCII.isTokenByte(bytes[index]) { index += 1 }
        let method = 0..<index
        guard !method.isEmpty, index < end, bytes[index] == ASCII.space else {
            return .failure(.malformed("Malformed request line"))
        }
        index += 1
        let targetStart = index
        while index < end, HTTPByteClass.isTargetByte(bytes[index]) { index += 1 }
        let target = targetStart..<index
        guard !target.isEmpty, index < end, bytes[index] == ASCII.space else {
            return .failure(.malformed("Malformed request line"))
        }
        index += 1
        guard index + 10 <= end, HTTPFieldLines.matches(bytes, at: index, "HTTP/1.") else {
            return .failure(.malformed("Malformed request line"))
        }
        let minor = bytes[index + 7]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else {
            return .failure(.malformed("Unsupported HTTP version"))
        }
        guard bytes[index + 8] == ASCII.carriageReturn, bytes[index + 9] == ASCII.newline else {
            return .failure(.malformed("Malformed request line"))
        }
        // Field lines, up to the blank line.
        return HTTPFieldLines.parse(bytes, from: index + 10, maxFields: maxFields).map { fields in
            Parts(method: method, target: target, minorVersion: minor == UInt8(ascii: "1") ? 1 : 0, fields: fields)
        }
    }
}
