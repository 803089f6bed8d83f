import NIOCore
import NIOHTTP2

/// The last handler of an HTTP/2 connection: NIOHTTP2 reports the connection errors it answered with GOAWAY here
/// (after sending it). The floods among them are reported like the ones `HTTP2FloodGuardHandler` finds, so an
/// operator sees every connection cut off for a flood, whichever part recognised it. A connection NIOHTTP2 ended with
/// GOAWAY closes with a lingering close (`HTTP2LingeringClose`) so the client reads why; one that failed otherwise
/// (TLS, I/O) has nothing left to say and closes at once.
final class HTTP2ConnectionEvents: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    private let onFlood: (String) -> Void
    private let lingeringClose: HTTP2LingeringClose

    init(lingeringClose: HTTP2LingeringClose, onFlood: @escaping (String) -> Void) {
        self.lingeringClose = lingeringClose
        self.onFlood = onFlood
    }

    /// The reason label for a NIOHTTP2 error that ends a connection as a flood; nil for other errors.
    static func floodReason(_ error: any Error) -> String? {
        switch error {
        case is NIOHTTP2Errors.ExcessiveRSTFrames: "rapid_reset"
        case is NIOHTTP2Errors.ExcessiveControlFrames: "control_frame_flood"
        case is NIOHTTP2Errors.ExcessiveEmptyDataFrames: "empty_data_flood"
        case is NIOHTTP2Errors.ExcessiveContinuationFrames: "continuation_flood"
        case is NIOHTTP2Errors.ExcessiveStreamErrors: "stream_error_flood"
        case is NIOHTTP2Errors.ExcessiveNumberOfGlitches: "glitches"
        case is NIOHTTP2Errors.ExcessiveOutboundFrameBuffering: "outbound_buffer_flood"
        default: nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    /// Whether NIOHTTP2 reports `error` after ending the connection with GOAWAY (rather than a stream with
    /// RST_STREAM, after which the connection goes on).
    static func endsConnection(_ error: any Error) -> Bool {
        if floodReason(error) != nil { return true }
        switch error {
        case is NIOHTTP2Errors.UnableToParseFrame, is NIOHTTP2Errors.BadClientMagic,
            is NIOHTTP2Errors.ExcessivelyLargeHeaderBlock:
            return true
        case is NIOHTTP2Errors.StreamError:
            // One stream refused (e.g. opened after a drain's GOAWAY): the streams in flight go on.
            return false
        default:
            return !(error is any NIOHTTP2Error)
        }
    }

    /// Whether NIOHTTP2 answered `error`, which ends the connection, with a GOAWAY (a connection error of its own)
    /// rather than passing on a failure of the layers below.
    static func sentGoAway(_ error: any Error) -> Bool {
        endsConnection(error) && error is any NIOHTTP2Error
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let reason = Self.floodReason(error) { onFlood(reason) }
        guard Self.endsConnection(error) else { return }
        guard Self.sentGoAway(error) else {
            context.close(promise: nil)
            return
        }
        // NIOHTTP2 wrote and flushed its GOAWAY before reporting the error.
        lingeringClose.linger()
    }
}
