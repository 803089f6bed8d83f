import NIOCore

/// A client connection's request stream: bytes in, heads, body slices and ends out, one request after another
/// (pipelined requests in one buffer included), under the contract's limits. The NIO handler only feeds it; a fuzz
/// harness calls `parse(_:limits:)`.
///
/// A request whose head parses but whose framing is refused is still handed on, with the refusal, so the answer and
/// the access record can name its method and path; after it, and after any error thrown, the stream is not read
/// further (`isFailed`), since where the next request would start is unknown.
struct RequestDecoder {
    struct Limits: Sendable {
        var maxHeadBytes: Int
        var maxBodyBytes: Int
    }

    enum Part {
        /// A head; `framing` is its body's framing, or why that framing is refused.
        case head(ParsedRequestHead, line: RequestLine, framing: Result<RequestBodyFraming, RequestParseError>)
        /// Body bytes, a slice of the input.
        case body(ByteBuffer)
        case end
    }

    private enum State {
        case head
        case length(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        case endPending
        case failed
    }

    let limits: Limits
    private var parser: RequestHeadParser
    private var state = State.head

    init(limits: Limits) {
        self.limits = limits
        self.parser = RequestHeadParser(maxHeadBytes: limits.maxHeadBytes)
    }

    /// Whether the stream was refused: later input is to be dropped.
    var isFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// The next part from `input`, consuming what it used; nil when more bytes are needed (or the stream failed).
    mutating func next(_ input: inout ByteBuffer) throws(RequestParseError) -> Part? {
        do {
            return try step(&input)
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func step(_ input: inout ByteBuffer) throws(RequestParseError) -> Part? {
        switch state {
        case .failed:
            return nil
        case .endPending:
            state = .head
            return .end
        case .head:
            guard input.readableBytes > 0,
                case .complete(let headStart, let end) = try parser.scan(input)
            else { return nil }
            input.moveReaderIndex(forwardBy: headStart)
            let bytes = input.readSlice(length: end - headStart)!
            parser.reset()
            let head = try parser.parse(bytes)
            let fields = HTTPFramingFields(head)
            let framing = RequestBodyFraming.decide(for: head, framing: fields, maxBodyBytes: limits.maxBodyBytes)
            switch framing {
            case .failure: state = .failed
            case .success(.none): state = .endPending
            case .success(.length(let length)): state = .length(remaining: length)
            case .success(.chunked): state = .chunked(ChunkedBodyDecoder(maxBodyBytes: limits.maxBodyBytes))
            }
            return .head(head, line: RequestLine(head, connection: fields), framing: framing)
        case .length(let remaining):
            guard input.readableBytes > 0 else { return nil }
            let count = min(remaining, input.readableBytes)
            state = count == remaining ? .endPending : .length(remaining: remaining - count)
            return .body(input.readSlice(length: count)!)
        case .chunked(var decoder):
            let decoded = try decoder.next(&input)
            switch decoded {
            case .needMore:
                state = .chunked(decoder)
                return nil
            case .data(let slice):
                state = .chunked(decoder)
                return .body(slice)
            case .end:
                state = .head
                return .end
            }
        }
    }

    /// The fuzzing entry point: every part decoded from `bytes` fed at once, and the error that stopped the stream,
    /// if any. Pure and bounded by the limits whatever the input.
    static func parse(_ bytes: [UInt8], limits: Limits) -> (parts: [Part], error: RequestParseError?) {
        var decoder = RequestDecoder(limits: limits)
        var input = ByteBuffer(bytes: bytes)
        var parts: [Part] = []
        do {
            while let part = try decoder.next(&input) { parts.append(part) }
        } catch {
            return (parts, error)
        }
        return (parts, nil)
    }
}
