import CNIOBoringSSL
import NIOCore
import NIOTLS

/// Server-side TLS over BoringSSL that holds no buffer while a connection is idle (see `TLSServerContext` for why).
///
/// Ciphertext read from the socket is lent to BoringSSL through a BIO for the length of one `channelRead`; plaintext
/// is decrypted into a buffer made for that read and handed on; `SSL_write` encrypts each write at once into a
/// buffer that the next flush hands to the socket. Nothing is kept between reads and flushes but the `SSL` object.
final class TLSServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Decides the client's certificate chain (DER, leaf first, as BoringSSL holds it): true accepts.
    typealias Verify = ([[UInt8]], EventLoopPromise<Bool>) -> Void

    private enum State {
        case handshaking
        case active
        case closing
        case closed
    }

    private enum Verification {
        case notStarted
        case pending
        case done(Bool)
    }

    private let ssl: OpaquePointer
    /// Kept alive for the connection: its ALPN list is read by BoringSSL's callback.
    private let tlsContext: TLSServerContext
    private let verify: Verify
    private var state = State.handshaking
    private var verification = Verification.notStarted
    private var insideVerifyCallback = false
    /// Ciphertext received and not yet taken by BoringSSL (only during a `channelRead`, or a short record's rest).
    private var inbound: ByteBuffer?
    /// Ciphertext BoringSSL wrote since the last flush.
    private var outbound: ByteBuffer?
    private var pendingPromises: [EventLoopPromise<Void>] = []
    private var deliveredData = false
    private var context: ChannelHandlerContext?
    private var closePromise: EventLoopPromise<Void>?
    private var closeTimer: Scheduled<Void>?
    private static let closeNotifyWait = TLSContextFactory.closeNotifyWait
    private static let readChunk = 16 * 1024
    private static let minimumReadRoom = 256
    /// While the client's certificate is being checked BoringSSL takes nothing more, but a TLS 1.3 client sends its
    /// request right after its Finished: past this much waiting ciphertext the socket is not read until the handshake
    /// completes.
    private static let maxHandshakeBacklog = 64 * 1024
    private var readHeldForHandshake = false

    init(context tls: TLSServerContext, verify: @escaping Verify) {
        guard let ssl = SSL_new(tls.sslContext) else { preconditionFailure("SSL_new") }
        self.ssl = ssl
        self.tlsContext = tls
        self.verify = verify
        SSL_set_accept_state(ssl)
        let bio = BIO_new(TLSServerBIO.method)
        SSL_set_bio(ssl, bio, bio)
    }

    deinit {
        SSL_free(ssl)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let me = Unmanaged.passUnretained(self).toOpaque()
        SSL_set_ex_data(ssl, TLSServerBIO.exDataIndex, me)
        BIO_set_data(SSL_get_rbio(ssl), me)
        if context.channel.isActive { handshake(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        BIO_set_data(SSL_get_rbio(ssl), nil)
        SSL_set_ex_data(ssl, TLSServerBIO.exDataIndex, nil)
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        handshake(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            // A health check or port scan: connected and closed without finishing a handshake.
            context.fireErrorCaught(TLSServerError.handshakeFailed("EOF during handshake"))
        case .active:
            // The TCP connection ended without the client's close_notify (NIOSSL reports the same).
            context.fireErrorCaught(TLSServerError.uncleanShutdown)
        case .closing, .closed:
            break
        }
        state = .closed
        closeTimer?.cancel()
        closeTimer = nil
        let promises = pendingPromises
        pendingPromises = []
        for promise in promises { promise.fail(ChannelError.ioOnClosedChannel) }
        // A close that was waiting for the client's close_notify is done: the connection is closed.
        let waitingClose = closePromise
        closePromise = nil
        waitingClose?.succeed()
        context.fireChannelInactive()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if inbound == nil {
            inbound = bytes
        } else {
            inbound!.writeBuffer(&bytes)
        }
        switch state {
        case .handshaking:
            handshake(context: context)
        case .active, .closing: readPlaintext(context: context)
        case .closed: inbound = nil
        }
        // What BoringSSL did not take yet (part of a record) stays; an empty buffer is let go.
        if inbound?.readableBytes == 0 { inbound = nil }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushOutbound(context: context)
        if deliveredData {
            deliveredData = false
            context.fireChannelReadComplete()
        }
    }

    private func handshake(context: ChannelHandlerContext) {
        guard case .handshaking = state else { return }
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            state = .active
            flushOutbound(context: context)
            var protocolName: UnsafePointer<UInt8>?
            var length: UInt32 = 0
            SSL_get0_alpn_selected(ssl, &protocolName, &length)
            let negotiated = protocolName.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            }
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: negotiated))
            readPlaintext(context: context)
            if readHeldForHandshake {
                readHeldForHandshake = false
                context.read()
            }
            return
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_CERTIFICATE_VERIFY:
            flushOutbound(context: context)
        default:
            fail(context: context, TLSServerError.handshakeFailed(TLSServerError.drainErrors()))
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        var plaintext: ByteBuffer?
        readLoop: while true {
            // Plaintext is never longer than the ciphertext it comes from: room for what is waiting, not a whole
            // record's 16 KiB, so a request of a few hundred bytes takes a small allocation (and touches less memory).
            let waiting = Int(SSL_pending(ssl)) + (inbound?.readableBytes ?? 0)
            if waiting == 0 { break }
            let room = min(Self.readChunk, max(waiting, Self.minimumReadRoom))
            var buffer = plaintext ?? context.channel.allocator.buffer(capacity: room)
            var result: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { space in
                result = SSL_read(ssl, space.baseAddress, Int32(min(space.count, Int(Int32.max))))
                return result > 0 ? Int(result) : 0
            }
            plaintext = buffer
            if result > 0 { continue }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ:
                break readLoop
            case SSL_ERROR_ZERO_RETURN:
                // The client's close_notify: answer it and close.
                deliver(&plaintext, context: context)
                closeNow(context: context)
                return
            default:
                deliver(&plaintext, context: context)
                fail(context: context, TLSServerError.readFailed(TLSServerError.drainErrors()))
                return
            }
        }
        deliver(&plaintext, context: context)
    }

    private func deliver(_ plaintext: inout ByteBuffer?, context: ChannelHandlerContext) {
        guard let buffer = plaintext, buffer.readableBytes > 0 else { return }
        plaintext = nil
        if case .closing = state { return }  // after our close_notify nothing more is read
        deliveredData = true
        context.fireChannelRead(wrapInboundOut(buffer))
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if case .handshaking = state, let waiting = inbound?.readableBytes, waiting >= Self.maxHandshakeBacklog {
            readHeldForHandshake = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .active = state else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let buffer = unwrapOutboundIn(data)
        if buffer.readableBytes > 0 {
            let written = buffer.withUnsafeReadableBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard written > 0 else {
                promise?.fail(TLSServerError.writeFailed(TLSServerError.drainErrors()))
                fail(context: context, TLSServerError.writeFailed("SSL_write"))
                return
            }
        }
        if let promise { pendingPromises.append(promise) }
    }

    func flush(context: ChannelHandlerContext) {
        flushOutbound(context: context)
    }

    private func flushOutbound(context: ChannelHandlerContext) {
        let promise: EventLoopPromise<Void>?
        switch pendingPromises.count {
        case 0: promise = nil
        case 1: promise = pendingPromises[0]
        default:
            let combined = context.eventLoop.makePromise(of: Void.self)
            for waiting in pendingPromises { combined.futureResult.cascade(to: waiting) }
            promise = combined
        }
        pendingPromises.removeAll(keepingCapacity: false)
        guard let bytes = outbound, bytes.readableBytes > 0 else {
            promise?.succeed()
            return
        }
        outbound = nil
        context.write(wrapOutboundOut(bytes), promise: promise)
        context.flush()
    }

    /// BoringSSL's ciphertext, from the BIO.
    fileprivate func bioWrite(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if outbound == nil, let context {
            outbound = context.channel.allocator.buffer(capacity: max(bytes.count, 1024))
        }
        outbound?.writeBytes(bytes)
        return Int32(bytes.count)
    }

    /// Ciphertext for BoringSSL, from what the socket delivered.
    fileprivate func bioRead(into space: UnsafeMutableRawBufferPointer) -> Int32 {
        guard var input = inbound, input.readableBytes > 0 else { return -1 }
        let count = min(space.count, input.readableBytes)
        input.withUnsafeReadableBytes { space.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        input.moveReaderIndex(forwardBy: count)
        // Drained: let the buffer go at once (the socket's read buffer is not kept between reads).
        inbound = input.readableBytes > 0 ? input : nil
        return Int32(count)
    }

    /// Whether a ciphertext buffer is held (tests: none between reads and flushes).
    var holdsBuffers: Bool { inbound != nil || outbound != nil }

    // MARK: Closing

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // TLS has no way to stop receiving while still sending (NIOSSL refuses it the same way): the connection
        // stays as it is.
        if mode == .input {
            promise?.fail(ChannelError.operationUnsupported)
            return
        }
        switch state {
        case .closed:
            context.close(mode: mode, promise: promise)
        case .closing where closeTimer != nil:
            // Waiting for the client's close_notify: this close completes with that one.
            completeWithClose(promise)
        case .closing:
            // Output already closed (close_notify and FIN sent): now the whole connection.
            completeWithClose(promise)
            closeNow(context: context)
        case .handshaking:
            state = .closed
            context.close(mode: .all, promise: promise)
        case .active where mode == .output:
            // close_notify, then the TCP FIN; reading goes on (what still arrives is read and dropped).
            state = .closing
            SSL_shutdown(ssl)
            flushOutbound(context: context)
            context.close(mode: .output, promise: promise)
        case .active:
            state = .closing
            closePromise = promise
            SSL_shutdown(ssl)
            flushOutbound(context: context)
            // Wait briefly for the client's close_notify, as NIOSSL does, then close regardless.
            closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.closeNotifyWait) { [self] in
                closeTimer = nil
                if let context = self.context { closeNow(context: context) }
            }
        }
    }

    /// `promise` completes when the connection's close does.
    private func completeWithClose(_ promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        if let closePromise { closePromise.futureResult.cascade(to: promise) } else { closePromise = promise }
    }

    private func closeNow(context: ChannelHandlerContext) {
        if case .active = state {
            SSL_shutdown(ssl)
            flushOutbound(context: context)
        }
        state = .closed
        closeTimer?.cancel()
        closeTimer = nil
        let promise = closePromise
        closePromise = nil
        context.close(mode: .all, promise: promise)
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        flushOutbound(context: context)  // the alert BoringSSL queued
        state = .closed
        context.fireErrorCaught(error)
        context.close(mode: .all, promise: nil)
    }

    // MARK: Client certificate

    fileprivate func verifyPeer(alert: UnsafeMutablePointer<UInt8>?) -> ssl_verify_result_t {
        switch verification {
        case .done(true): return ssl_verify_ok
        case .done(false):
            alert?.pointee = UInt8(SSL_AD_CERTIFICATE_UNKNOWN)
            return ssl_verify_invalid
        case .pending: return ssl_verify_retry
        case .notStarted: break
        }
        let chain = peerChainDER()
        guard let context, !chain.isEmpty else { return ssl_verify_invalid }
        verification = .pending
        let promise = context.eventLoop.makePromise(of: Bool.self)
        insideVerifyCallback = true
        promise.futureResult.assumeIsolated().whenComplete { [self] result in
            verification = .done((try? result.get()) == true)
            if !insideVerifyCallback, let context = self.context { handshake(context: context) }
        }
        verify(chain, promise)
        insideVerifyCallback = false
        return verifyPeer(alert: alert)
    }

    /// The client's certificate chain as DER, leaf first (also for a resumed session, whose certificate comes from
    /// the session).
    func peerChainDER() -> [[UInt8]] {
        guard let stack = SSL_get0_peer_certificates(ssl) else { return [] }
        return (0..<OPENSSL_sk_num(stack)).compactMap { index in
            guard let raw = OPENSSL_sk_value(stack, index) else { return nil }
            let buffer = OpaquePointer(raw)
            return Array(UnsafeBufferPointer(start: CRYPTO_BUFFER_data(buffer), count: CRYPTO_BUFFER_len(buffer)))
        }
    }

    fileprivate static func handler(of ssl: OpaquePointer) -> TLSServerHandler? {
        guard let pointer = SSL_get_ex_data(ssl, TLSServerBIO.exDataIndex) else { return nil }
        return Unmanaged<TLSServerHandler>.fromOpaque(pointer).takeUnretainedValue()
    }

    fileprivate static func handler(ofBIO bio: OpaquePointer) -> TLSServerHandler? {
        guard let pointer = BIO_get_data(bio) else { return nil }
        return Unmanaged<TLSServerHandler>.fromOpaque(pointer).takeUnretainedValue()
    }
}

let tlsServerVerifyCallback: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?) -> ssl_verify_result_t = {
    ssl, alert in
    guard let ssl, let handler = TLSServerHandler.handler(of: ssl) else { return ssl_verify_invalid }
    return handler.verifyPeer(alert: alert)
}

/// The BIO between BoringSSL and `TLSServerHandler`: reads take from the ciphertext of the current `channelRead`,
/// writes append to the ciphertext of the next flush.
enum TLSServerBIO {
    nonisolated(unsafe) static let method: OpaquePointer = {
        let type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK
        guard let method = BIO_meth_new(type, "Gatehouse TLS") else { preconditionFailure("BIO_meth_new") }
        BIO_meth_set_write(method) { bio, buffer, length in
            guard let bio, let buffer else { return -1 }
            BIO_clear_retry_flags(bio)
            guard length > 0 else { return 0 }
            guard let handler = TLSServerHandler.handler(ofBIO: bio) else { return -1 }
            return handler.bioWrite(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
        }
        BIO_meth_set_read(method) { bio, buffer, length in
            guard let bio, let buffer else { return -1 }
            BIO_clear_retry_flags(bio)
            guard length > 0 else { return 0 }
            guard let handler = TLSServerHandler.handler(ofBIO: bio) else { return -1 }
            let count = handler.bioRead(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
            if count < 0 { BIO_set_retry_read(bio) }
            return count
        }
        BIO_meth_set_ctrl(method) { bio, command, argument, _ in
            switch command {
            case BIO_CTRL_GET_CLOSE: return CLong(BIO_get_shutdown(bio))
            case BIO_CTRL_SET_CLOSE:
                BIO_set_shutdown(bio, CInt(argument))
                return 1
            case BIO_CTRL_FLUSH: return 1
            default: return 0
            }
        }
        BIO_meth_set_create(method) { bio in
            BIO_set_init(bio, 1)
            return 1
        }
        BIO_meth_set_destroy(method) { _ in 1 }
        return method
    }()

    static let exDataIndex: Int32 = SSL_get_ex_new_index(0, nil, nil, nil, nil)
}
