import GatehouseBytes
import NIOCore

/// Finds where a head (request or response) ends, looking at each byte once across reads, so that a head fed one
/// byte per read costs no more than one fed at once. Refuses a bare CR or LF and a head past `maxHeadBytes` as soon
/// as they are seen; the parsers then read the delimited head once.
///
/// - Lines end with CRLF; a bare LF or a CR not followed by LF is refused (stricter than nginx, which accepts bare
///   LF).
/// - Empty lines before the start line are skipped when `skipsLeadingEmptyLines` (a server reading requests, RFC
///   9112 §2.2); they count against no head, but not without end. A client reading responses has no such leave: an
///   empty line there is refused.
/// - The head's size is every byte from the start line through the blank line's CRLF: exactly `maxHeadBytes` is
///   accepted, one more is `headTooLarge`. Nothing past the limit is looked at, so the answer does not depend on
///   how the bytes were split into reads.
struct HTTPHeadScanner {
    let maxHeadBytes: Int
    let skipsLeadingEmptyLines: Bool
    /// Names the head in error messages: `request head`, `response head`.
    let noun: StaticString

    /// Where the scan of the current head stands, in offsets from the input's reader index.
    private var scanned = 0
    private var headStart = 0
    private var lineStart = 0
    private var sawStartLine = false

    init(maxHeadBytes: Int, skipsLeadingEmptyLines: Bool, noun: StaticString) {
        self.maxHeadBytes = maxHeadBytes
        self.skipsLeadingEmptyLines = skipsLeadingEmptyLines
        self.noun = noun
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
                if index - headStart >= maxHeadBytes { return .failure(.headTooLarge) }
                let byte = bytes[index]
                if index > 0, bytes[index - 1] == ASCII.carriageReturn, byte != ASCII.newline, index - 1 >= headStart {
                    return .failure(.malformed("Bare CR in \(noun)"))
                }
                if byte == ASCII.newline {
                    guard index > lineStart, bytes[index - 1] == ASCII.carriageReturn else {
                        return .failure(.malformed("Bare LF in \(noun)"))
                    }
                    let emptyLine = index - 1 == lineStart
                    lineStart = index + 1
                    if emptyLine {
                        if sawStartLine {
                            scanned = index + 1
                            if index + 1 - headStart > maxHeadBytes { return .failure(.headTooLarge) }
                            return .success(.complete(headStart: headStart, end: index + 1))
                        }
                        guard skipsLeadingEmptyLines else {
                            return .failure(.malformed("Empty line before the \(noun)"))
                        }
                        headStart = index + 1
                        if headStart > maxHeadBytes { return .failure(.headTooLarge) }
                    } else {
                        sawStartLine = true
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
        sawStartLine = false
    }
}
