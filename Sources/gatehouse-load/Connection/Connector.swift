import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// Opens one client connection on a given event loop with the pipeline every worker uses: TLS (for https), then
/// the HTTP/1.1 client codec — or, with `http2`, NIOHTTP2's client handler with its inline stream multiplexer (the
/// TLS context then offers only `h2` by ALPN). Sendable: workers on every loop share it.
struct Connector: Sendable {
    let address: SocketAddress
    let tlsContext: NIOSSLContext?
    let serverName: String?
    let connectTimeout: TimeAmount
    var http2 = false

    /// Connects on `eventLoop`; the returned future completes on that loop.
    func connect(on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let tlsContext = self.tlsContext
        let serverName = self.serverName
        let http2 = self.http2
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    if http2 {
                        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                            mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()
                        ) { stream in stream.close() }  // a server does not open streams here
                    } else {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    }
                }
            }
            .connect(to: address)
    }
}
