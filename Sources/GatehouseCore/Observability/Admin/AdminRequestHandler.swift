import NIOCore
import NIOHTTP1

/// Answers admin requests one at a time on a keep-alive connection (`HTTPServerPipelineHandler` in front of it
/// holds pipelined requests back). Bodies are never needed: up to `maxBodyBytes` is read and dropped, more is
/// answered 413 and the connection closed. Confined to its channel's event loop, hence not `Sendable`.
final class AdminRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, bodyBytes: Int)
        /// A response that ends the connection was written; ignore whatever still arrives.
        case closing
    }

    private let responder: AdminResponder
    private let timeouts: ConnectionTimeouts
    private let maxBodyBytes: Int
    /// Tells the listener when a request is in progress (such a connection is not closed to admit another).
    private let busy: (Bool) -> Void
    private var state = State.idle

    init(
        responder: AdminResponder, timeouts: ConnectionTimeouts, maxBodyBytes: Int,
        busy: @escaping (Bool) -> Void = { _ in }
    ) {
        self.responder = responder
        self.timeouts = timeouts
        self.maxBodyBytes = maxBodyBytes
        self.busy = busy
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (_, .closing):
            return
        case (.head(let head), _):
            // The header timeout keeps running until the whole request is in: admin requests are tiny, and a body
            // that never comes must not keep a connection busy (and safe from being closed for a newcomer).
            busy(true)
            state = .receiving(head, bodyBytes: 0)
        case (.body(let chunk), .receiving(let head, let bodyBytes)):
            let total = bodyBytes + chunk.readableBytes
            guard total <= maxBodyBytes else {
                write(.text(.payloadTooLarge, "request body too large"), for: head, keepAlive: false, context: context)
                return
            }
            state = .receiving(head, bodyBytes: total)
        case (.end, .receiving(let head, _)):
            timeouts.headReceived()
            let response = responder.respond(method: head.method, target: head.uri)
            write(response, for: head, keepAlive: head.isKeepAlive, context: context)
        case (.body, .idle), (.end, .idle):
            // The decoder never produces these without a head.
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Framing errors were answered 400 by `HTTPServerProtocolErrorHandler`; anything else ends the connection.
        context.close(promise: nil)
    }

    private func write(
        _ response: AdminResponse, for head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: response.contentType)
        headers.add(name: "content-length", value: String(response.body.count))
        headers.add(name: "cache-control", value: "no-store")
        for (name, value) in response.headers {
            headers.add(name: name, value: value)
        }
        // HTTP/1.1 keeps alive unless told otherwise; HTTP/1.0 closes unless told otherwise.
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        } else if head.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD, !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        if keepAlive {
            state = .idle
            busy(false)
            timeouts.exchangeFinished()
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            state = .closing
            timeouts.cancel()
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }
}
