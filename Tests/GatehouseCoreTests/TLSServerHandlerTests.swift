import GatehousePKI
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOSSL
import NIOTLS
import Testing

@testable import GatehouseCore

/// The lean server-side TLS handler against NIOSSL's client, over two embedded channels whose bytes the test carries
/// across: handshake, ALPN, data both ways, client-certificate checks (synchronous and asynchronous), close_notify,
/// and that nothing is held between reads and flushes.
@Suite struct TLSServerHandlerTests {
    struct PKI {
        let ca: CertificateAuthority
        let server: IssuedCertificate
        let client: IssuedCertificate
    }

    static let pki: PKI = {
        let ca = try! CertificateAuthority.makeRoot(commonName: "Lean TLS test CA")
        return PKI(
            ca: ca, server: try! ca.issueLeaf(.server(extraNames: ["localhost"])),
            client: try! ca.issueLeaf(.client("alice")))
    }()

    /// Records what reaches the end of the server's pipeline.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var negotiated: [String?] = []
        var errors: [any Error] = []
        var received = ""

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted(let name) = event { negotiated.append(name) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            errors.append(error)
        }
    }

    struct Pair {
        let client: EmbeddedChannel
        let server: EmbeddedChannel
        let tls: TLSServerHandler
        let recorder: Recorder

        /// Carries bytes both ways until neither side has anything to send.
        func interact() throws {
            var moved = true
            while moved {
                moved = false
                while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                    if server.isActive { try server.writeInbound(bytes) }
                    moved = true
                }
                while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                    if client.isActive { _ = try? client.writeInbound(bytes) }
                    moved = true
                }
            }
        }

        func clientReceived() throws -> String {
            var text = ""
            while let bytes = try client.readInbound(as: ByteBuffer.self) { text += String(buffer: bytes) }
            return text
        }
    }

    static func serverContext(protocols: [String] = ["h2", "http/1.1"]) throws -> TLSServerContext {
        try TLSServerContext(
            certificateChainPEM: Array(try pki.server.certificatePEM().utf8),
            privateKeyPEM: Array(pki.server.privateKeyPEM.utf8), clientCAPEM: Array(try pki.ca.certificatePEM().utf8),
            minimumVersion: .tlsv12, applicationProtocols: protocols)
    }

    static func clientHandler(protocols: [String], presentsCertificate: Bool = true) throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(
            try NIOSSLCertificate.fromPEMBytes(Array(pki.ca.certificatePEM().utf8)))
        configuration.certificateVerification = .noHostnameVerification
        configuration.applicationProtocols = protocols
        if presentsCertificate {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(
                Array(pki.client.certificatePEM().utf8)
            ).map { .certificate($0) }
            configuration.privateKey = .privateKey(
                try NIOSSLPrivateKey(bytes: Array(pki.client.privateKeyPEM.utf8), format: .pem))
        }
        return try NIOSSLClientHandler(context: NIOSSLContext(configuration: configuration), serverHostname: nil)
    }

    /// A connected pair; `verify` decides the client certificate (default: accepted at once).
    static func connect(
        clientProtocols: [String] = ["h2", "http/1.1"], presentsCertificate: Bool = true,
        verify: @escaping TLSServerHandler.Verify = { _, promise in promise.succeed(true) }
    ) throws -> Pair {
        let tls = TLSServerHandler(context: try serverContext(), verify: verify)
        let recorder = Recorder()
        let server = EmbeddedChannel()
        try server.pipeline.syncOperations.addHandlers([tls, recorder])
        let client = EmbeddedChannel()
        try client.pipeline.syncOperations.addHandler(
            try clientHandler(protocols: clientProtocols, presentsCertificate: presentsCertificate))
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
        let pair = Pair(client: client, server: server, tls: tls, recorder: recorder)
        try pair.interact()
        return pair
    }

    @Test func handshakeSelectsH2AndCarriesDataBothWays() throws {
        let pair = try Self.connect()
        #expect(pair.recorder.negotiated == ["h2"])
        try pair.client.writeAndFlush(ByteBuffer(string: "ping")).wait()
        try pair.interact()
        #expect(pair.recorder.received == "ping")
        try pair.server.writeAndFlush(ByteBuffer(string: "pong")).wait()
        try pair.interact()
        #expect(try pair.clientReceived() == "pong")
    }

    @Test func http11WhenTheClientOffersOnlyThat() throws {
        let pair = try Self.connect(clientProtocols: ["http/1.1"])
        #expect(pair.recorder.negotiated == ["http/1.1"])
    }

    @Test func noProtocolWhenTheClientOffersNone() throws {
        let pair = try Self.connect(clientProtocols: [])
        #expect(pair.recorder.negotiated == [nil])
    }

    /// What the handler exists for: between a read and the next, and after a flush, it keeps no buffer.
    @Test func holdsNoBufferWhileIdle() throws {
        let pair = try Self.connect()
        #expect(!pair.tls.holdsBuffers)
        try pair.client.writeAndFlush(ByteBuffer(string: String(repeating: "x", count: 40_000))).wait()
        try pair.interact()
        #expect(pair.recorder.received.count == 40_000)
        try pair.server.writeAndFlush(ByteBuffer(string: String(repeating: "y", count: 40_000))).wait()
        try pair.interact()
        #expect(try pair.clientReceived().count == 40_000)
        #expect(!pair.tls.holdsBuffers)
    }

    @Test func aClientWithoutACertificateIsRefused() throws {
        let pair = try Self.connect(presentsCertificate: false)
        #expect(pair.recorder.negotiated.isEmpty)
        #expect(pair.recorder.errors.contains { "\($0)".contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") })
        #expect(!pair.server.isActive)
    }

    @Test func aRejectedCertificateFailsTheHandshake() throws {
        let pair = try Self.connect(verify: { _, promise in promise.succeed(false) })
        #expect(pair.recorder.negotiated.isEmpty)
        #expect(!pair.recorder.errors.isEmpty)
        #expect(!pair.server.isActive)
    }

    @Test func theVerifierSeesTheClientsCertificate() throws {
        var seen: [[UInt8]] = []
        _ = try Self.connect(verify: { chain, promise in
            seen = chain
            promise.succeed(true)
        })
        #expect(seen == (try Self.pki.client.chainDER()))
    }

    @Test func verificationMayFinishLater() throws {
        var pending: EventLoopPromise<Bool>?
        let pair = try Self.connect(verify: { _, promise in pending = promise })
        #expect(pending != nil)
        #expect(pair.recorder.negotiated.isEmpty, "the handshake waits for the verifier")
        pending?.succeed(true)
        try pair.interact()
        #expect(pair.recorder.negotiated == ["h2"])
        #expect(pair.tls.peerChainDER() == (try Self.pki.client.chainDER()))
    }

    /// A TLS 1.3 client sends its request right after its Finished, while its certificate may still be checked:
    /// what it sends waits and is delivered, whole, once the handshake completes.
    @Test func whatTheClientSendsDuringVerificationArrivesAfterIt() throws {
        var pending: EventLoopPromise<Bool>?
        let pair = try Self.connect(verify: { _, promise in pending = promise })
        try pair.client.writeAndFlush(ByteBuffer(string: String(repeating: "z", count: 100_000))).wait()
        try pair.interact()
        #expect(pair.recorder.received.isEmpty)
        pending?.succeed(true)
        try pair.interact()
        #expect(pair.recorder.negotiated == ["h2"])
        #expect(pair.recorder.received.count == 100_000)
        #expect(!pair.tls.holdsBuffers)
    }

    /// Counts the reads that reach the socket (the head of the pipeline).
    final class ReadProbe: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    /// Past 64 KiB of ciphertext waiting for a certificate check the socket is not read; the read held back is issued
    /// once the handshake completes.
    @Test func socketReadsWaitWhileMuchIsHeldForVerification() throws {
        var pending: EventLoopPromise<Bool>?
        let pair = try Self.connect(verify: { _, promise in pending = promise })
        let probe = ReadProbe()
        try pair.server.pipeline.syncOperations.addHandler(probe, position: .first)
        pair.server.pipeline.read()
        #expect(probe.reads == 1, "little is waiting yet: reads go on")
        try pair.client.writeAndFlush(ByteBuffer(string: String(repeating: "z", count: 100_000))).wait()
        try pair.interact()
        pair.server.pipeline.read()
        #expect(probe.reads == 1, "100 KB waiting for the verifier: no more reads")
        pending?.succeed(true)
        try pair.interact()
        #expect(probe.reads == 2, "the held read, once the handshake completed")
        #expect(pair.recorder.received.count == 100_000)
    }

    @Test func closeSendsCloseNotifyAndEndsWhenTheClientAnswers() throws {
        let pair = try Self.connect()
        let closed = pair.server.close()
        try pair.interact()
        // NIOSSL's client answers the close_notify with its own, which ends the connection at once.
        #expect(!pair.server.isActive)
        try closed.wait()
    }

    /// TLS cannot close only its input: refused, as NIOSSL refuses it, and the connection goes on both ways.
    @Test func closingOnlyTheInputIsRefusedAndChangesNothing() throws {
        let pair = try Self.connect()
        let outcome = NIOLockedValueBox<Result<Void, any Error>?>(nil)
        pair.server.close(mode: .input).whenComplete { result in outcome.withLockedValue { $0 = result } }
        try pair.interact()
        let result = outcome.withLockedValue { $0 }
        #expect(throws: ChannelError.operationUnsupported) { try result?.get() }
        #expect(result != nil)
        #expect(pair.server.isActive)
        try pair.client.writeAndFlush(ByteBuffer(string: "still")).wait()
        try pair.server.writeAndFlush(ByteBuffer(string: "open")).wait()
        try pair.interact()
        #expect(pair.recorder.received == "still")
        #expect(try pair.clientReceived() == "open")
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefusedWithBoringSSLsReason() throws {
        let other = try Self.pki.ca.issueLeaf(.server())
        #expect {
            _ = try TLSServerContext(
                certificateChainPEM: Array(try Self.pki.server.certificatePEM().utf8),
                privateKeyPEM: Array(other.privateKeyPEM.utf8),
                clientCAPEM: Array(try Self.pki.ca.certificatePEM().utf8), minimumVersion: .tlsv12,
                applicationProtocols: ["http/1.1"])
        } throws: { error in
            "\(error)".contains("do not go together") && "\(error)".contains("KEY_VALUES_MISMATCH")
        }
    }

    /// A close waiting for the client's close_notify completes when the connection ends first.
    @Test func aCloseWaitingForTheClientCompletesWhenTheConnectionEnds() throws {
        let pair = try Self.connect()
        let closed = pair.server.close()
        // The client never answers; its connection just goes away.
        pair.server.pipeline.fireChannelInactive()
        #expect(throws: Never.self) { try closed.wait() }
    }

    @Test func garbageInsteadOfAClientHelloFailsTheHandshake() throws {
        let tls = TLSServerHandler(context: try Self.serverContext(), verify: { _, _ in })
        let recorder = Recorder()
        let server = EmbeddedChannel()
        try server.pipeline.syncOperations.addHandlers([tls, recorder])
        try server.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        _ = try? server.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(recorder.errors.contains { "\($0)".contains("HTTP_REQUEST") || "\($0)".contains("WRONG_VERSION") })
        #expect(!server.isActive)
    }
}
