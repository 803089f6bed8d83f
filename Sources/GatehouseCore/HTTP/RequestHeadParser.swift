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
/// Pure: no channel or event loop, so a fuzz harness can drive it (see `RequestDecoder.parse(_:limits:)`).
struct RequestHeadParser {
    let maxHeadBytes: Int
    let maxFields: Int

    /// Where the scan of the current head stands, in offsets from the input's reader index.
    private var scanned = 0
    private var headStart = 0
    private var lineStart = 0
    private var sawRequestLine = false

    init(maxHeadBytes: Int, maxFields: Int = 1000) {
        self.maxHeadBytes = maxHeadBytes
        self.maxFields = maxFields
    }

    /// What `scan` found.
    enum Scan: Equatable {
        /// More bytes are needed.
        case incomplete
        /// The head lies at `headStart..<end` of the input (offsets from its reader index); bytes before `headStart`
        /// are empty lines to drop.
        case complete(headStart: Int, end: Int)
    }

    /// Looks at the bytes of `input` not seen yet. The caller must not consume bytes of `input` between calls until
    /// the scan completes or fails, and calls `reset()` before the next head.
    mutating func scan(_ input: ByteBuffer) throws(RequestParseError) -> Scan {
        let result: Result<Scan, RequestParseError> = input.withUnsafeReadableBytes { bytes in
            var index = scanned
            let count = bytes.count
            while index < count {
                // Nothing past the limit is looked at: what lies there cannot belong to an acceptable head, and the
                // answer must not depend on how much of it has arrived (431 whether it came in one read or many).
                if index - headStart >= maxHeadBytes { return .failure(.headTooLarge) }
                let byte = bytes[index]
                if index > 0, bytes[index - 1] == ASCII.carriageReturn, byte != ASCII.newline, index - 1 >= headStart {
                    return .failure(.malformed("Bare CR in request head"))
                }
                if byte == ASCII.newline {
                    guard index > lineStart, bytes[index - 1] == ASCII.carriageReturn else {
                        return .failure(.malformed("Bare LF in request head"))
                    }
                    let emptyLine = index - 1 == lineStart
                    lineStart = index + 1
                    if emptyLine {
                        if sawRequestLine {
                            scanned = index + 1
                            if index + 1 - headStart > maxHeadBytes { return .failure(.headTooLarge) }
                            return .success(.complete(headStart: headStart, end: index + 1))
                        }
                        // An empty line before the request line is skipped (RFC 9112 §2.2), but not without end.
                        headStart = index + 1
                        if headStart > maxHeadBytes { return .failure(.headTooLarge) }
                    } else {
                        sawRequestLine = true
                    }
                }
                index += 1
            }
            scanned = count
            // Any head completed from here on would be longer than the limit.
            if count - headStart > maxHeadBytes { return .failure(.headTooLarge) }
            return .success(.incomplete)
        }
        return try result.get()
    }

    /// Ready for the next head, once the caller has consumed the bytes of this one.
    mutating func reset() {
        scanned = 0
        headStart = 0
        lineStart = 0
        sawRequestLine = false
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
        var fields: [ParsedRequestHead.Field]
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
        guard index + 10 <= end, matches(bytes, at: index, "HTTP/1.") else {
            return .failure(.malformed("Malformed request line"))
        }
        let minor = bytes[index + 7]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else {
            return .failure(.malformed("Unsupported HTTP version"))
        }
        guard bytes[index + 8] == ASCII.carriageReturn, bytes[index + 9] == ASCII.newline else {
            return .failure(.malformed("Malformed request line"))
        }
        index += 10
        // Field lines, up to the blank line.
        var fields: [ParsedRequestHead.Field] = []
        while index < end {
            if bytes[index] == ASCII.carriageReturn { break }
            if HTTPByteClass.isWhitespace(bytes[index]) {
                return .failure(.malformed("Obsolete line folding in a header"))
            }
            let nameStart = index
            while index < end, ASCII.isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart, index < end else { return .failure(.malformed("Invalid header name")) }
            if bytes[index] != ASCII.colon {
                return .failure(
                    .malformed(
                        HTTPByteClass.isWhitespace(bytes[index])
                            ? "Whitespace before the colon of a header" : "Invalid header name"))
            }
            let name = nameStart..<index
            index += 1
            while index < end, HTTPByteClass.isWhitespace(bytes[index]) { index += 1 }
            let valueStart = index
            var valueEnd = index
            while index < end, HTTPByteClass.isFieldValueByte(bytes[index]) {
                if !HTTPByteClass.isWhitespace(bytes[index]) { valueEnd = index + 1 }
                index += 1
            }
            guard index + 1 < end, bytes[index] == ASCII.carriageReturn, bytes[index + 1] == ASCII.newline else {
                return .failure(.malformed("Invalid character in a header value"))
            }
            index += 2
            guard fields.count < maxFields else { return .failure(.headTooLarge) }
            fields.append(ParsedRequestHead.Field(name: name, value: valueStart..<valueEnd))
        }
        return .success(
            Parts(method: method, target: target, minorVersion: minor == UInt8(ascii: "1") ? 1 : 0, fields: fields))
    }

    private static func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for index in 0..<count where bytes[offset + index] != pointer[index] { return false }
        return true
    }
}
