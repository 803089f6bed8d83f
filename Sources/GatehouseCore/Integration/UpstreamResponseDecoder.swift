import NIOCore

/// An upstream connection's response stream: bytes in, one response's head, body slices and end out, for each
/// request sent (`expectResponse`). Gatehouse's own codec, as strict as the client leg's `RequestDecoder` and built
/// from the same parts (`ResponseHeadParser`, `UpstreamBodyFraming`, `ChunkedBodyDecoder`); pure, so unit tests and
/// the `http-response` fuzz target drive it without a channel.
///
/// - Interim answers (1xx other than 101) are read and skipped: the client never asked for them.
/// - 101 is the final answer to a request that asked to switch (`expectResponse(bodyless:upgrade:)`, a WebSocket
///   route): its head is handed on and the decoder stops — what follows is the new protocol's, for the caller.
/// - 101 to any other request, and a status outside 100–599, are refused (`UpstreamProtocolError.violation`), like every malformed head,
///   framing or chunk: after an error the stream is not read further (`isFailed`), and the connection is closed.
/// - Body bytes are handed on as slices of the input, never copied; a chunked body's sizes are not limited (the
///   client's body limit does not apply to answers), its size lines are (4 KiB), and trailers are checked and
///   dropped.
/// - Bytes while no response is expected are `unsolicited`: the caller closes the connection.
struct UpstreamResponseDecoder {
    enum Part {
        case head(ParsedResponseHead)
        /// Body bytes, a slice of the input.
        case body(ByteBuffer)
        /// The response ended; `reusable` says whether the upstream allows another request on the connection.
        case end(reusable: Bool)
    }

    private enum State {
        /// No request outstanding.
        case idle
        case head(bodyless: Bool)
        case length(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        case untilClose
        case endPending
        /// A 101 to an upgrade request was handed on: the bytes that follow are not HTTP.
        case switched
        case failed
    }

    private var parser: ResponseHeadParser
    private var state = State.idle
    private var keepAlive = true
    private var upgradeRequested = false

    init(maxHeadBytes: Int = ResponseHeadParser.defaultMaxHeadBytes) {
        parser = ResponseHeadParser(maxHeadBytes: maxHeadBytes)
    }

    /// A request was sent: its response comes next. `bodyless` when the request's answer has no body whatever its
    /// head says (HEAD, CONNECT). `upgrade` when the request asked to switch to WebSocket: a 101 then ends the HTTP
    /// stream (`isSwitched`) instead of being refused.
    mutating func expectResponse(bodyless: Bool, upgrade: Bool = false) {
        parser.reset()
        keepAlive = true
        upgradeRequested = upgrade
        state = .head(bodyless: bodyless)
    }

    /// Whether a 101 to an upgrade request was handed on: the rest of the stream is the new protocol's.
    var isSwitched: Bool {
        if case .switched = state { return true }
        return false
    }

    /// Whether the stream was refused: later input is to be dropped.
    var isFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Whether no response is outstanding.
    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// The next part from `input`, consuming what it used; nil when more bytes are needed. Bytes while no response
    /// is expected are an error (`unsolicited`), left unread.
    mutating func next(_ input: inout ByteBuffer) throws(UpstreamProtocolError) -> Part? {
        do {
            return try step(&input)
        } catch {
            state = .failed
            throw error
        }
    }

    static let unsolicited = UpstreamProtocolError(description: "Bytes from the upstream with no request outstanding")
    static let truncated = UpstreamProtocolError(description: "The upstream closed the connection inside a response")

    /// The upstream closed the connection; `input` is what is left unread. A body read until close ends here; a
    /// response cut short (head or body) is an error. Nil when nothing was outstanding, or the response had not
    /// begun (the caller reports a plain end of file, which may be retried).
    mutating func finish(_ input: ByteBuffer) throws(UpstreamProtocolError) -> Part? {
        switch state {
        case .idle, .failed, .switched:
            return nil
        case .head:
            guard input.readableBytes == 0 else {
                state = .failed
                throw Self.truncated
            }
            return nil
        case .untilClose, .endPending:
            state = .idle
            return .end(reusable: false)
        case .length, .chunked:
            state = .failed
            throw Self.truncated
        }
    }

    private mutating func step(_ input: inout ByteBuffer) throws(UpstreamProtocolError) -> Part? {
        switch state {
        case .failed, .switched:
            return nil
        case .idle:
            guard input.readableBytes == 0 else { throw Self.unsolicited }
            return nil
        case .endPending:
            state = .idle
            return .end(reusable: keepAlive)
        case .head(let bodyless):
            return try head(&input, bodyless: bodyless)
        case .length(let remaining):
            guard input.readableBytes > 0 else { return nil }
            let count = min(remaining, input.readableBytes)
            state = count == remaining ? .endPending : .length(remaining: remaining - count)
            return .body(input.readSlice(length: count)!)
        case .untilClose:
            guard input.readableBytes > 0 else { return nil }
            return .body(input.readSlice(length: input.readableBytes)!)
        case .chunked(var decoder):
            let decoded: ChunkedBodyDecoder.Step
            do {
                decoded = try decoder.next(&input)
            } catch {
                throw UpstreamProtocolError(error)
            }
            switch decoded {
            case .needMore:
                state = .chunked(decoder)
                return nil
            case .data(let slice):
                state = .chunked(decoder)
                return .body(slice)
            case .end:
                state = .idle
                return .end(reusable: keepAlive)
            }
        }
    }

    /// The final head, once its bytes are in: interim answers before it are consumed and skipped.
    private mutating func head(_ input: inout ByteBuffer, bodyless: Bool) throws(UpstreamProtocolError) -> Part? {
        while input.readableBytes > 0 {
            let head: ParsedResponseHead
            do {
                guard case .complete(let headStart, let end) = try parser.scan(input) else { return nil }
                input.moveReaderIndex(forwardBy: headStart)
                let bytes = input.readSlice(length: end - headStart)!
                parser.reset()
                head = try parser.parse(bytes)
            } catch {
                throw UpstreamProtocolError(error)
            }
            if let violation = UpstreamProtocolError.violation(
                statusCode: head.statusCode, upgradeRequested: upgradeRequested)
            {
                throw violation
            }
            if head.statusCode == 101 {
                state = .switched
                return .head(head)
            }
            if head.statusCode < 200 { continue }  // 100 Continue, 102, 103 Early Hints: not the answer
            let decided: (framing: UpstreamBodyFraming, keepAlive: Bool)
            switch UpstreamBodyFraming.decide(for: head, bodyless: bodyless) {
            case .success(let value): decided = value
            case .failure(let error): throw UpstreamProtocolError(error)
            }
            keepAlive = decided.keepAlive
            switch decided.framing {
            case .none: state = .endPending
            case .length(let length): state = .length(remaining: length)
            case .chunked: state = .chunked(ChunkedBodyDecoder(maxBodyBytes: Int.max))
            case .untilClose: state = .untilClose
            }
            return .head(head)
        }
        return nil
    }
}
