import Crypto
import SwiftASN1
import X509

/// A certificate issued by a ``CertificateAuthority`` together with its freshly made private key.
public struct IssuedCertificate: Sendable {
    /// The issued certificate.
    public let certificate: Certificate
    /// Its ECDSA P-256 private key.
    public let privateKey: P256.Signing.PrivateKey
    /// Intermediate CA certificates between it and the root, nearest first (empty when a root issued it).
    public let chain: [Certificate]

    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey, chain: [Certificate] = []) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.chain = chain
    }

    /// The certificate followed by its intermediates as PEM, leaf first: what TLS peers present.
    public func certificatePEM() throws -> String {
        try ([self.certificate] + self.chain).map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which OpenSSL, curl and NIOSSL all read.
    public var privateKeyPEM: String {
        self.privateKey.pemRepresentation + "\n"
    }

    /// The DER chain, leaf first, as a TLS stack hands it to a verification callback.
    public func chainDER() throws -> [[UInt8]] {
        try ([self.certificate] + self.chain).map { try $0.derBytes() }
    }
}

extension Certificate {
    /// The DER encoding of the certificate.
    func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
