import SwiftASN1
import X509

/// Reads the certificates of a PEM file that may hold several (a chain or a set of trust anchors).
enum PEMBundle {
    /// Every `CERTIFICATE` block of `pem` in order; other block types are ignored. Throws naming `source` when the
    /// PEM is malformed or a certificate does not parse.
    static func certificates(in pem: String, source: String) throws -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw PKIError.invalidPEM(source, "\(error)")
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() where document.discriminator == "CERTIFICATE" {
            do {
                certificates.append(try Certificate(derEncoded: document.derBytes))
            } catch {
                throw PKIError.invalidCertificate(source, "certificate #\(index + 1) does not parse (\(error))")
            }
        }
        return certificates
    }
}
