import IPNetwork
import NIOCore

/// First handler on a `proxy_protocol: true` listener: reads the PROXY header from a trusted proxy, hands the
/// client address it carries to `onSource` (which runs admission and installs TLS and HTTP behind this handler),
/// then removes itself and passes on whatever followed the header. A missing or malformed header closes the
/// connection: without it the source is unknown.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var buffered: ByteBuffer?
    private let onSource: (IPAddress?, ChannelHandlerContext) -> Bool
    private let onInvalid: (String) -> Void
    private var done = false

    /// - Parameter onSource: called once with the carried address (nil for LOCAL/UNKNOWN); returns whether the
    ///   connection is admitted.
    init(onSource: @escaping (IPAddress?, ChannelHandlerContext) -> Bool, onInvalid: @escaping (String) -> Void) {
        self.onSource = onSource
        self.onInvalid = onInvalid
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else {
            context.fireChannelRead(data)
            return
        }
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered!.writeBuffer(&incoming)
        }
        switch ProxyProtocolHeader.parse(&buffered!) {
        case .needMoreData:
            if buffered!.readableBytes > 16 + 65535 {
                onInvalid("PROXY header too long")
                context.close(promise: nil)
            }
        case .invalid(let reason):
            done = true
            onInvalid(reason)
            context.close(promise: nil)
        case .parsed(let source):
            done = true
            guard onSource(source, context) else {
                context.close(promise: nil)
                return
            }
            let rest = buffered!
            buffered = nil
            if rest.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(rest))
                context.fireChannelReadComplete()
            }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
