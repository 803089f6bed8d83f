import GatehouseConfig
import NIOCore
import NIOHTTP1
import NIOPosix

/// Keep-alive connections to upstreams, one pool per event loop so a client connection and its upstream
/// connection share a thread and never need locks. Only used from its own event loop.
final class UpstreamConnectionPool: @unchecked Sendable {  // confined to `eventLoop`, checked by preconditions
    let eventLoop: any EventLoop
    private var idle: [Upstream: [Channel]] = [:]
    private let maxIdlePerUpstream: Int

    init(eventLoop: any EventLoop, maxIdlePerUpstream: Int = 128) {
        self.eventLoop = eventLoop
        self.maxIdlePerUpstream = maxIdlePerUpstream
    }

    /// A live pooled connection, or nil when a new one must be made.
    func takeIdle(_ address: Upstream) -> Channel? {
        eventLoop.preconditionInEventLoop()
        while var channels = idle[address], let channel = channels.popLast() {
            idle[address] = channels
            if channel.isActive { return channel }
        }
        return nil
    }

    func connect(_ address: Upstream, timeout: TimeAmount) -> EventLoopFuture<Channel> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Every header sent upstream was parsed (and so validated) by llhttp on the client leg, or is
                    // Gatehouse's own: NIO's outbound validator would check them a second time per request.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
        switch address {
        case .http(let host, let port):
            if let socketAddress = try? SocketAddress(ipAddress: host, port: port) {
                return bootstrap.connect(to: socketAddress)
            }
            return bootstrap.connect(host: host, port: port)
        case .unix(let path):
            return bootstrap.connect(unixDomainSocketPath: path)
        }
    }

    /// Returns a connection after a complete response, when the upstream allows reuse.
    func release(_ channel: Channel, to address: Upstream) {
        eventLoop.preconditionInEventLoop()
        var channels = idle[address, default: []]
        channels.removeAll { !$0.isActive }
        guard channel.isActive, channels.count < maxIdlePerUpstream else {
            channel.close(promise: nil)
            return
        }
        channels.append(channel)
        idle[address] = channels
    }

    /// Closes every pooled connection (drain); returns the close futures.
    func closeAll() -> [EventLoopFuture<Void>] {
        let closes = idle.values.joined().map { $0.close() }
        idle.removeAll()
        return closes
    }
}
