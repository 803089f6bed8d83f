import NIOCore
import NIOHPACK

/// Receives one HTTP/2 upstream stream's response, on the client connection's event loop.
protocol HTTP2UpstreamReceiver: AnyObject {
    /// The final response head (interim 1xx heads are skipped); `endStream` when it is the whole response.
    func http2ResponseHead(status: Int, fields: HPACKHeaders, endStream: Bool)
    func http2ResponseBody(_ buffer: ByteBuffer)
    /// The stream ended; `trailers` when the upstream sent a trailing HEADERS frame (gRPC's `grpc-status`).
    func http2ResponseEnd(trailers: HPACKHeaders?)
    /// A read batch ended: flush what was relayed.
    func http2ReadComplete()
    /// The stream or its connection failed (reset, GOAWAY, closed); `responseStarted` once a head was delivered.
    func http2Failed(_ error: any Error, responseStarted: Bool)
    /// The stream can take more request DATA again (its flow-control window reopened).
    func http2Writable()
}
