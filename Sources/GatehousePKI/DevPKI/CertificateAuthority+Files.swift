import Foundation
import X509

extension CertificateAuthority {
    /// Loads the CA written by `gatehouse certs init`: `ca.pem` (the CA certificate first, then any certificates
    /// above it) and `ca-key.pem` (PKCS#8 or SEC1 PEM) in `directory`.
    public init(directory: String) throws {
        let certificatePath = DevPKI.join(directory, "ca.pem")
        let keyPath = DevPKI.join(directory, "ca-key.pem")
        let certificates = try PEMBundle.certificates(in: try DevPKI.read(certificatePath), source: certificatePath)
        guard let first = certificates.first else {
            throw PKIError.invalidPEM(certificatePath, "it holds no CERTIFICATE block")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: try DevPKI.read(keyPath))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.invalidKey(keyPath, "it is not a PEM private key (\(error))")
        }
        guard first.publicKey == key.publicKey else {
            throw PKIError.invalidKey(keyPath, "it does not belong to the certificate in \(certificatePath)")
        }
        do {
            try self.init(certificate: first, privateKey: key, chain: Array(certificates.dropFirst()))
        } catch {
            throw PKIError.invalidCertificate(certificatePath, "the first certificate is not a CA")
        }
    }

    /// The CA certificate followed by the certificates above it, as PEM.
    public func certificatePEM() throws -> String {
        try ([self.certificate] + self.chain).map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
    }

    /// The CA key as PKCS#8 PEM.
    public func privateKeyPEM() throws -> String {
        try self.privateKey.serializeAsPEM().pemString + "\n"
    }
}
