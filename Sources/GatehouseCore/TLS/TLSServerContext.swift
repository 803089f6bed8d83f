import CNIOBoringSSL
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// A listener's server-side TLS context, on BoringSSL directly (NIOSSL's copy of it), for `TLSServerHandler`.
///
/// Why not NIOSSL's handler: it keeps a 32 KiB plaintext buffer, a 16 KiB ciphertext buffer and a 4 KiB action queue
/// for the life of every connection, which made 10,000 idle mutual-TLS connections cost 360 MB against nginx's 207
/// (Benchmarks/README.md). The settings are those NIOSSL was given: TLS 1.2 (Mozilla "intermediate" AEAD suites) or
/// 1.3 up, the server chain and key, the client CA names sent so clients pick the right certificate, a client
/// certificate required and checked by Gatehouse's own `ClientCertificateVerifier` (`SSL_CTX_set_custom_verify`),
/// ALPN, and BoringSSL's defaults for session resumption (tickets; `ClientIdentityGate` re-checks a resumed
/// session's certificate). `TLS_with_buffers_method` keeps certificates as DER (`CRYPTO_BUFFER`): no `X509` object
/// is parsed per connection.
final class TLSServerContext: @unchecked Sendable {
    let sslContext: OpaquePointer
    /// ALPN protocols in wire form (length-prefixed), in preference order; lives as long as the context.
    private let alpnWire: UnsafeMutableBufferPointer<UInt8>

    init(
        certificateChainPEM: [UInt8], privateKeyPEM: [UInt8], clientCAPEM: [UInt8], minimumVersion: TLSVersion,
        applicationProtocols: [String]
    ) throws {
        guard let context = SSL_CTX_new(TLS_with_buffers_method()) else {
            throw TLSServerError.context("SSL_CTX_new: \(TLSServerError.drainErrors())")
        }
        sslContext = context
        // The callback's argument: the list's length (two bytes, little-endian), then the list in wire form.
        let list = applicationProtocols.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
        let wire = [UInt8(list.count & 0xFF), UInt8(list.count >> 8)] + list
        alpnWire = .allocate(capacity: wire.count)
        _ = alpnWire.initialize(from: wire)

        let minimum = minimumVersion == .tlsv13 ? UInt16(TLS1_3_VERSION) : UInt16(TLS1_2_VERSION)
        guard SSL_CTX_set_min_proto_version(context, minimum) == 1,
            SSL_CTX_set_max_proto_version(context, UInt16(TLS1_3_VERSION)) == 1,
            SSL_CTX_set_strict_cipher_list(context, TLSContextFactory.tls12CipherSuites) == 1
        else { throw TLSServerError.context("protocol versions or cipher suites: \(TLSServerError.drainErrors())") }

        let chain = try NIOSSLCertificate.fromPEMBytes(certificateChainPEM).map { try $0.toDERBytes() }
        var buffers: [OpaquePointer?] = chain.map { der in
            der.withUnsafeBufferPointer { CRYPTO_BUFFER_new($0.baseAddress, $0.count, nil) }
        }
        defer { for buffer in buffers { CRYPTO_BUFFER_free(buffer) } }
        guard
            let key = privateKeyPEM.withUnsafeBytes({ raw -> OpaquePointer? in
                let bio = BIO_new_mem_buf(raw.baseAddress, raw.count)
                defer { BIO_free(bio) }
                return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
            })
        else { throw TLSServerError.context("cannot read the private key: \(TLSServerError.drainErrors())") }
        defer { EVP_PKEY_free(key) }
        let chainSet = buffers.withUnsafeMutableBufferPointer {
            SSL_CTX_set_chain_and_key(context, $0.baseAddress, $0.count, key, nil)
        }
        guard chainSet == 1 else {
            throw TLSServerError.context(
                "the certificate chain and key do not go together: \(TLSServerError.drainErrors())")
        }

        // The acceptable CA names, so clients pick the right certificate (NIOSSL's `sendCANameList`).
        guard let names = OPENSSL_sk_new_null() else { throw TLSServerError.context("CA name list") }
        for anchor in try NIOSSLCertificate.fromPEMBytes(clientCAPEM) {
            let der = try anchor.toDERBytes()
            let name: OpaquePointer? = der.withUnsafeBufferPointer { bytes in
                var cursor = bytes.baseAddress
                guard let x509 = d2i_X509(nil, &cursor, bytes.count) else { return nil }
                defer { X509_free(x509) }
                var encoded: UnsafeMutablePointer<UInt8>?
                let length = i2d_X509_NAME(X509_get_subject_name(x509), &encoded)
                guard length > 0, let encoded else { return nil }
                defer { OPENSSL_free(encoded) }
                return CRYPTO_BUFFER_new(encoded, Int(length), nil)
            }
            if let name { OPENSSL_sk_push(names, UnsafeMutableRawPointer(name)) }
        }
        SSL_CTX_set0_client_CAs(context, names)

        SSL_CTX_set_custom_verify(
            context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, tlsServerVerifyCallback)
        if !applicationProtocols.isEmpty {
            SSL_CTX_set_alpn_select_cb(context, tlsServerALPNSelect, UnsafeMutableRawPointer(alpnWire.baseAddress))
        }
        // Resumption as NIOSSL configures it (BoringSSL's defaults: stateless tickets, server-side cache). A resumed
        // session skips the verification callback; `ClientIdentityGate` re-checks its certificate (`peerChainDER`).
    }

    deinit {
        SSL_CTX_free(sslContext)
        alpnWire.deallocate()
    }
}

/// Server preference: the first of Gatehouse's protocols that the client offers. No overlap: no ALPN (HTTP/1.1), as
/// NIOSSL does.
private let tlsServerALPNSelect:
    @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
        UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
    ) -> Int32 = { _, out, outLength, offered, offeredLength, argument in
        guard let out, let outLength, let offered, let argument else { return SSL_TLSEXT_ERR_NOACK }
        let prefixed = argument.assumingMemoryBound(to: UInt8.self)
        let ourTotal = Int(prefixed[0]) | Int(prefixed[1]) << 8
        let ours = prefixed + 2
        var ourIndex = 0
        while ourIndex < ourTotal {
            let ourLength = Int(ours[ourIndex])
            var theirIndex = 0
            while theirIndex < Int(offeredLength) {
                let theirLength = Int(offered[theirIndex])
                let fits = theirIndex + 1 + theirLength <= Int(offeredLength)
                let ourName = UnsafePointer(ours + (ourIndex + 1))
                let theirName: UnsafePointer<UInt8> = offered + (theirIndex + 1)
                if theirLength == ourLength, fits, memcmp(ourName, theirName, ourLength) == 0 {
                    out.pointee = offered + theirIndex + 1
                    outLength.pointee = UInt8(theirLength)
                    return SSL_TLSEXT_ERR_OK
                }
                theirIndex += 1 + theirLength
            }
            ourIndex += 1 + ourLength
        }
        return SSL_TLSEXT_ERR_NOACK
    }
