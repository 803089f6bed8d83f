import GatehouseBytes
import NIOCore

/// Decodes a `chunked` body (RFC 9112 §7.1) from bytes as they arrive — a client's request body, or an upstream's
/// response body (`UpstreamResponseDecoder`, with no body limit) — handing on the chunks' data as slices of the
/// input (never copied), and holding nothing between reads but a few counters.
///
/// Limits, checked as soon as the bytes that break them are seen:
/// - the declared chunk sizes, plus the bytes of chunk extensions and trailer fields, count against
///   `maxBodyBytes`: 413 the moment a size line's digits pass it, before any of that chunk's data arrives;
/// - a chunk-size line (size and extensions) longer than `maxSizeLineBytes` (4 KiB) is 400;
/// - sizes are hex digits, extensions `;`-led and of field-value bytes, every line ends in CRLF, each chunk's data
///   is followed by CRLF, and trailer fields follow the head's field-line grammar; anything else is 400.
/// Trailer fields are checked and dropped: the upstream gets the body with a `Content-Length`, the client a body
/// Gatehouse frames itself.
struct ChunkedBodyDecoder {
    static let maxSizeLineBytes = 4096

    let maxBodyBytes: Int
    /// Declared data, extension and trailer bytes so far.
    private(set) var counted = 0
    private var state = State.sizeDigits(value: 0, digits: 0, lineBytes: 0)

    private enum State {
        case sizeDigits(value: Int, digits: Int, lineBytes: Int)
        /// After the size: whitespace, then `;` and the extension, up to CR.
        case sizeExtension(size: Int, lineBytes: Int, sawSemicolon: Bool)
        case sizeLF(size: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        /// At the start of a trailer line (or the blank line ending the body).
        case trailerLineStart
        case trailerName
        case trailerValue
        case trailerLF(lineWasEmpty: Bool)
        case done
    }

    /// One step of decoding.
    enum Step: Equatable {
        /// Every byte of the input was used; more are needed.
        case needMore
        /// Chunk data, a slice of the input.
        case data(ByteBuffer)
        /// The body ended (last chunk and trailers read); the input's next byte belongs to the next request.
        case end
    }

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Consumes bytes of `input` up to the next step.
    mutating func next(_ input: inout ByteBuffer) throws(RequestParseError) -> Step {
        while input.readableBytes > 0 {
            if case .data(let remaining) = state {
                let count = min(remaining, input.readableBytes)
                state = remaining == count ? .dataCR : .data(remaining: remaining - count)
                return .data(input.readSlice(length: count)!)
            }
            let byte = input.readInteger(as: UInt8.self)!
            if try consume(byte) { return .end }
        }
        if case .done = state { return .end }
        return .needMore
    }

    /// Feeds one framing byte; true when the body has ended.
    private mutating func consume(_ byte: UInt8) throws(RequestParseError) -> Bool {
        switch state {
        case .sizeDigits(let value, let digits, let lineBytes):
            if byte == ASCII.carriageReturn {
                guard digits > 0 else { throw .malformed("Invalid chunk size") }
                state = .sizeLF(size: value)
                return false
            }
            let lineBytes = try sizeLineByte(lineBytes)
            if let digit = Hex.nibble(byte) {
                // Leading zeros are allowed; the size is refused as soon as its digits pass what is left.
                let (times, overflow) = value.multipliedReportingOverflow(by: 16)
                let (newValue, carry) = times.addingReportingOverflow(Int(digit))
                guard !overflow, !carry, newValue <= maxBodyBytes - counted else { throw .bodyTooLarge }
                state = .sizeDigits(value: newValue, digits: digits + 1, lineBytes: lineBytes)
                return false
            }
            guard digits > 0 else { throw .malformed("Invalid chunk size") }
            if byte == ASCII.semicolon || HTTPByteClass.isWhitespace(byte) {
                try count(1)
                state = .sizeExtension(
                    size: value, lineBytes: lineBytes, sawSemicolon: byte == ASCII.semicolon)
            } else {
                throw .malformed("Invalid chunk size")
            }
        case .sizeExtension(let size, let lineBytes, let sawSemicolon):
            if byte == ASCII.carriageReturn {
                guard sawSemicolon else { throw .malformed("Invalid chunk extension") }
                state = .sizeLF(size: size)
                return false
            }
            let lineBytes = try sizeLineByte(lineBytes)
            guard HTTPByteClass.isFieldValueByte(byte) else { throw .malformed("Invalid chunk extension") }
            guard sawSemicolon || HTTPByteClass.isWhitespace(byte) || byte == ASCII.semicolon else {
                throw .malformed("Invalid chunk extension")
            }
            try count(1)
            state = .sizeExtension(
                size: size, lineBytes: lineBytes, sawSemicolon: sawSemicolon || byte == ASCII.semicolon)
        case .sizeLF(let size):
            guard byte == ASCII.newline else { throw .malformed("Invalid chunk framing") }
            if size == 0 {
                state = .trailerLineStart
            } else {
                try count(size)
                state = .data(remaining: size)
            }
        case .data:
            preconditionFailure("data is sliced, not consumed byte by byte")
        case .dataCR:
            guard byte == ASCII.carriageReturn else { throw .malformed("Invalid chunk framing") }
            state = .dataLF
        case .dataLF:
            guard byte == ASCII.newline else { throw .malformed("Invalid chunk framing") }
            state = .sizeDigits(value: 0, digits: 0, lineBytes: 0)
        case .trailerLineStart:
            if byte == ASCII.carriageReturn {
                state = .trailerLF(lineWasEmpty: true)
                return false
            }
            guard ASCII.isTokenByte(byte) else { throw .malformed("Invalid trailer field") }
            try count(1)
            state = .trailerName
        case .trailerName:
            try count(1)
            if byte == ASCII.colon {
                state = .trailerValue
            } else {
                guard ASCII.isTokenByte(byte) else { throw .malformed("Invalid trailer field") }
            }
        case .trailerValue:
            if byte == ASCII.carriageReturn {
                state = .trailerLF(lineWasEmpty: false)
                return false
            }
            guard HTTPByteClass.isFieldValueByte(byte) else { throw .malformed("Invalid trailer field") }
            try count(1)
        case .trailerLF(let lineWasEmpty):
            guard byte == ASCII.newline else { throw .malformed("Invalid chunk framing") }
            if lineWasEmpty {
                state = .done
                return true
            }
            state = .trailerLineStart
        case .done:
            return true
        }
        return false
    }

    /// Counts one more byte of a chunk-size line against its 4 KiB limit.
    private func sizeLineByte(_ lineBytes: Int) throws(RequestParseError) -> Int {
        guard lineBytes < Self.maxSizeLineBytes else { throw .malformed("Chunk size line too long") }
        return lineBytes + 1
    }

    /// Counts declared bytes against `maxBodyBytes`.
    private mutating func count(_ bytes: Int) throws(RequestParseError) {
        guard bytes <= maxBodyBytes - counted else { throw .bodyTooLarge }
        counted += bytes
    }
}
