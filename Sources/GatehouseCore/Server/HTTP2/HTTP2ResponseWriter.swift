import NIOCore
import NIOHPACK
import NIOHTTP2

/// Writes one HTTP/2 stream's response: a head (HEADERS with `:status`), DATA, and optionally trailers (a final
/// HEADERS) — the three things any answer on a stream is made of, whether Gatehouse makes it (errors, MOCK), relays
/// it from an HTTP/1.1 upstream, or (for gRPC) from an HTTP/2 upstream whose trailers must reach the client.
///
/// It adds what every Gatehouse answer carries (`x-amzn-RequestId`), keeps the exchange's status and byte count for
/// the access record, and refuses to write after the end, so the stream's owner cannot send two ends or a head
/// after DATA. Confined to the stream channel's event loop.
final class HTTP2ResponseWriter {
    private let context: ChannelHandlerContext
    private let exchange: RequestExchange
    private(set) var headSent = false
    /// END_STREAM (or RST_STREAM) was sent: nothing more can be written.
    private(set) var ended = false
    /// The write that carried END_STREAM, once made: a reset sent after a complete answer waits for it, or NIOHTTP2
    /// would drop the answer's DATA still waiting for the flow-control window.
    private var endWritten: EventLoopFuture<Void>?

    init(context: ChannelHandlerContext, exchange: RequestExchange) {
        self.context = context
        self.exchange = exchange
    }

    /// Whether the stream can take more DATA now (its flow-control window and the connection's buffer); relays
    /// stop reading their source while it is false and resume on `channelWritabilityChanged`.
    var isWritable: Bool { context.channel.isWritable }

    /// Sends the head. `headers` are the regular fields (lowercase names, no connection-specific fields); the
    /// status and the request id are added here.
    func sendHead(status: Int, headers: HPACKHeaders, endStream: Bool = false) {
        guard !headSent, !ended else { return }
        headSent = true
        exchange.status = status
        var block = HPACKHeaders()
        block.reserveCapacity(headers.count + 2)
        block.add(name: ":status", value: String(status))
        for (name, value, indexing) in headers where name != "x-amzn-requestid" {
            block.add(name: name, value: value, indexing: indexing)
        }
        // Unique per answer: never worth a place in the client's HPACK table (and inserting it would evict the
        // entries that are, and make the encoder search a table of ids).
        block.add(name: "x-amzn-requestid", value: exchange.requestID, indexing: .nonIndexable)
        exchange.forEachUsageField { block.add(name: $0.lowercased(), value: $1) }
        write(.headers(.init(headers: block, endStream: endStream)), ends: endStream, resetOnFailure: true)
    }

    /// `100 Continue`: an informational head, before the final one, for a client that waits for it before sending
    /// its body (`expect: 100-continue`).
    func sendContinue() {
        guard !headSent, !ended else { return }
        context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.headers(.init(headers: [":status": "100"]))), promise: nil)
    }

    /// Sends body bytes; `endStream` ends the response without trailers.
    func sendData(_ buffer: ByteBuffer, endStream: Bool = false) {
        guard headSent, !ended else { return }
        exchange.responseBytes += buffer.readableBytes
        write(.data(.init(data: .byteBuffer(buffer), endStream: endStream)), ends: endStream)
    }

    /// Ends the response with trailers (e.g. `grpc-status`): a HEADERS frame with END_STREAM.
    func sendTrailers(_ trailers: HPACKHeaders) {
        guard headSent, !ended else { return }
        write(.headers(.init(headers: trailers, endStream: true)), ends: true)
    }

    /// Ends an unfinished response: empty DATA with END_STREAM.
    func end() {
        sendData(context.channel.allocator.buffer(capacity: 0), endStream: true)
    }

    /// Resets the stream: a response cut off, or — after a complete answer — a request body no longer wanted.
    func reset(_ code: HTTP2ErrorCode) {
        ended = true
        guard let endWritten else {
            context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.rstStream(code)), promise: nil)
            return
        }
        let context = self.context
        endWritten.assumeIsolated().whenSuccess {
            context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.rstStream(code)), promise: nil)
        }
    }

    func flush() {
        context.flush()
    }

    /// `resetOnFailure`: a head NIOHTTP2 refuses to send (its validation finds a field HTTP/2 forbids) would leave the
    /// client waiting; the stream is reset instead.
    private func write(_ payload: HTTP2Frame.FramePayload, ends: Bool, resetOnFailure: Bool = false) {
        guard ends || resetOnFailure else {
            context.write(NIOAny(payload), promise: nil)
            return
        }
        if ends { ended = true }
        let promise = context.eventLoop.makePromise(of: Void.self)
        if ends { endWritten = promise.futureResult }
        if resetOnFailure {
            let context = self.context
            promise.futureResult.assumeIsolated().whenFailure { _ in
                context.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.rstStream(.internalError)), promise: nil)
            }
        }
        context.write(NIOAny(payload), promise: promise)
    }
}
