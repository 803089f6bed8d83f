import NIOCore

/// A response head as an upstream sent it: the head's own bytes and where the status line's parts and each field
/// line lie in them. Relaying it copies the fields' bytes into the client's head; no `String` or dictionary is made.
///
/// Made only by `ResponseHeadParser`, which has checked the RFC 9112 grammar (the same field-line rules as a
/// request's: token names, field-value bytes, no CR or LF in any part).
struct ParsedResponseHead: ParsedHTTPHead {
    /// The head from the first byte of the status line through the blank line; offsets below index it from 0.
    let bytes: ByteBuffer
    /// The minor version of `HTTP/1.x`: 0 or 1.
    let minorVersion: Int
    /// Three digits, 000–999 as sent; which of them may be relayed is `UpstreamResponseDecoder`'s to decide.
    let statusCode: Int
    /// The reason phrase, possibly empty.
    let reason: Range<Int>
    let fields: [HTTPFieldLine]

    var reasonString: String { string(reason) }
}
