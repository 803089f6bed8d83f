// gatehouse-floor: the platform's floor for the keep-alive benchmark. It terminates mutual TLS with NIOSSL, exactly
// as a TLS proxy on SwiftNIO must, and relays the decrypted bytes to the upstream over one plaintext connection per
// client connection, and the upstream's bytes back: no HTTP parsing, routing, signatures, policy, logging or
// metrics. Its CPU per request, beside nginx's under the same `ab -k`, says how much of nginx's per-request budget
// SwiftNIO, BoringSSL and the kernel take before a gateway does anything (Benchmarks/README.md, "The floor").
//
// Usage: gatehouse-floor LISTEN_PORT UPSTREAM_PORT CERT_DIR
// CERT_DIR is what `gatehouse certs init` writes (server.pem, server-key.pem, ca.pem). Loopback only.
import NIOCore
import NIOPosix
import NIOSSL

let arguments = CommandLine.arguments
guard arguments.count == 4, let listenPort = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    print("usage: gatehouse-floor LISTEN_PORT UPSTREAM_PORT CERT_DIR")
    exit(64)
}
let certificates = arguments[3]

var tls = TLSConfiguration.makeServerConfiguration(
    certificateChain: try NIOSSLCertificate.fromPEMFile("\(certificates)/server.pem").map { .certificate($0) },
    privateKey: .privateKey(try NIOSSLPrivateKey(file: "\(certificates)/server-key.pem", format: .pem)))
tls.minimumTLSVersion = .tlsv12
tls.certificateVerification = .noHostnameVerification
tls.trustRoots = .file("\(certificates)/ca.pem")
let context = try NIOSSLContext(configuration: tls)

// One event loop: the benchmark pins each proxy to one core.
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let upstream = try SocketAddress(ipAddress: "127.0.0.1", port: upstreamPort)

let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { client in
        let (clientSide, upstreamSide) = RelayHandler.pair()
        do {
            try client.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            try client.pipeline.syncOperations.addHandler(clientSide)
        } catch {
            return client.eventLoop.makeFailedFuture(error)
        }
        // The upstream connection is made on the client's event loop, so its handler stays on that loop.
        let relay = NIOLoopBound(upstreamSide, eventLoop: client.eventLoop)
        return ClientBootstrap(group: client.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(relay.value) }
            }
            .connect(to: upstream)
            .map { upstreamChannel in
                upstreamChannel.closeFuture.whenComplete { _ in client.close(promise: nil) }
                client.closeFuture.whenComplete { _ in upstreamChannel.close(promise: nil) }
            }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .get()
print("gatehouse-floor: 127.0.0.1:\(listenPort) -> 127.0.0.1:\(upstreamPort)")
try await server.closeFuture.get()
