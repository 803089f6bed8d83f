import NIOCore

/// A request head as the client sent it: the head's own bytes and, for the request line and each field line, where
/// its parts lie in them. Nothing is copied into a `String` until a caller asks, so a value reaches the upstream
/// byte for byte (obs-text included) and SigV4 can canonicalize the very bytes that were signed.
///
/// Made only by `RequestHeadParser`, which has checked the RFC 9112 grammar: names are tokens, values hold only
/// VCHAR, obs-text, SP and HTAB without leading or trailing whitespace, and no CR or LF is anywhere in a part.
/// Field lookups are `ParsedHTTPHead`'s, shared with `ParsedResponseHead`.
struct ParsedRequestHead: ParsedHTTPHead {
    typealias Field = HTTPFieldLine

    /// The head from the first byte of the request line through the blank line; offsets below index it from 0.
    let bytes: ByteBuffer
    let method: Range<Int>
    let target: Range<Int>
    /// The minor version of `HTTP/1.x`: 0 or 1.
    let minorVersion: Int
    let fields: [Field]

    var methodString: String { string(method) }
    var targetString: String { string(target) }
}
