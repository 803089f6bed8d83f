import NIOCore
import NIOHPACK
import NIOHTTP2

/// The one handler of an HTTP/2 stream to an upstream: writes the request's HEADERS (and DATA), and reads the
/// response's HEADERS, DATA and trailing HEADERS into an `HTTP2UpstreamReceiver`. A stream is used once.
final class HTTP2UpstreamStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    /// The upstream reset the stream, or it ended without a complete response.
    struct StreamFailure: Error, CustomStringConvertible {
        let description: String
    }

    weak var receiver: (any HTTP2UpstreamReceiver)?
    private var headSeen = false
    private var ended = false

    init(receiver: any HTTP2UpstreamReceiver) {
        self.receiver = receiver
    }

    /// Sends a buffered request: HEADERS, then the body in one DATA frame, then the client's trailers; the last of
    /// them ends the stream.
    static func send(_ headers: HPACKHeaders, body: ByteBuffer?, trailers: HPACKHeaders?, on channel: Channel) {
        let hasBody = (body?.readableBytes ?? 0) > 0
        channel.write(
            HTTP2Frame.FramePayload.headers(.init(headers: headers, endStream: !hasBody && trailers == nil)),
            promise: nil)
        if let body, hasBody {
            channel.write(
                HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(body), endStream: trailers == nil)), promise: nil)
        }
        if let trailers {
            channel.write(HTTP2Frame.FramePayload.headers(.init(headers: trailers, endStream: true)), promise: nil)
        }
        channel.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended, let receiver else { return }
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            if !headSeen {
                guard let statusText = frame.headers.first(name: ":status"), let status = Int(statusText) else {
                    fail(StreamFailure(description: "response HEADERS without a valid :status"), context: context)
                    return
                }
                if (100..<200).contains(status) { return }  // interim: not the answer
                headSeen = true
                receiver.http2ResponseHead(status: status, fields: frame.headers, endStream: frame.endStream)
                if frame.endStream { end(trailers: nil) }
            } else {
                end(trailers: frame.headers)
            }
        case .data(let frame):
            guard headSeen else {
                fail(StreamFailure(description: "DATA before the response HEADERS"), context: context)
                return
            }
            if case .byteBuffer(let buffer) = frame.data, buffer.readableBytes > 0 {
                receiver.http2ResponseBody(buffer)
            }
            if frame.endStream { end(trailers: nil) }
        case .rstStream(let code):
            fail(StreamFailure(description: "the upstream reset the stream (\(code))"), context: context)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.http2ReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { receiver?.http2Writable() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !ended { fail(StreamFailure(description: "the stream closed before the response ended"), context: nil) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    private func end(trailers: HPACKHeaders?) {
        ended = true
        let receiver = self.receiver
        self.receiver = nil
        receiver?.http2ResponseEnd(trailers: trailers)
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext?) {
        guard !ended else { return }
        ended = true
        let receiver = self.receiver
        self.receiver = nil
        receiver?.http2Failed(error, responseStarted: headSeen)
        context?.close(promise: nil)
    }
}
