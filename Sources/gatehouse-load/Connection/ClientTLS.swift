import NIOSSL

/// Builds the one client `NIOSSLContext` all connections share: client certificate and key for mTLS, the CA that
/// must have issued the server's certificate. Built once, before any connection, because it is expensive.
enum ClientTLS {
    static func makeContext(
        certificatePath: String?,
        keyPath: String?,
        caPath: String?,
        minimumVersion: TLSVersion,
        http2: Bool = false
    ) throws(LoadError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = minimumVersion
        if http2 { configuration.applicationProtocols = ["h2"] }
        switch (certificatePath, keyPath) {
        case (let certificatePath?, let keyPath?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                    .certificate($0)
                }
            } catch {
                throw .unreadableFile(certificatePath, reason: "not a PEM certificate chain (\(error))")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            } catch {
                throw .unreadableFile(keyPath, reason: "not a PEM private key (\(error))")
            }
        case (nil, nil):
            break
        case (_?, nil):
            throw .invalidOption("--cert", reason: "--key is needed with it")
        case (nil, _?):
            throw .invalidOption("--key", reason: "--cert is needed with it")
        }
        if let caPath {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
            } catch {
                throw .unreadableFile(caPath, reason: "not a PEM CA certificate (\(error))")
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsSetup("\(error)")
        }
    }
}
