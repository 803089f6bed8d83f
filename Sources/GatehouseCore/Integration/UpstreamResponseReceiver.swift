import NIOCore

/// Receives one upstream exchange's response, on the client connection's event loop.
protocol UpstreamResponseReceiver: AnyObject {
    func upstreamResponseHead(_ head: ParsedResponseHead)
    func upstreamResponseBody(_ buffer: ByteBuffer)
    func upstreamResponseEnd()
    /// The upstream read loop finished a batch: flush what was relayed.
    func upstreamReadComplete()
    /// The upstream connection failed; `responseStarted` says whether any response part was delivered.
    func upstreamFailed(_ error: any Error, responseStarted: Bool)
    /// The upstream answered 101 to an upgrade request: the connection now speaks WebSocket. `rest` is what it sent
    /// after the head in the same read. The connection is the receiver's from here on (never pooled).
    func upstreamSwitchedProtocols(_ head: ParsedResponseHead, rest: ByteBuffer)
}
