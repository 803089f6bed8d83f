import SwiftASN1

extension CertificateRevocationList {
    /// Parses every `X509 CRL` block of `pem` (a file may hold several CRLs, e.g. one per CA); fails naming
    /// `source` when there is none or one does not parse.
    public static func parseAll(pem: String, source: String) throws -> [CertificateRevocationList] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw PKIError.invalidPEM(source, "\(error)")
        }
        var lists: [CertificateRevocationList] = []
        for (index, document) in documents.enumerated() where document.discriminator == "X509 CRL" {
            do {
                lists.append(try CertificateRevocationList(derEncoded: document.derBytes))
            } catch {
                throw PKIError.invalidCRL(source, "CRL #\(index + 1) does not parse (\(error))")
            }
        }
        guard !lists.isEmpty else {
            throw PKIError.invalidPEM(source, "it holds no X509 CRL block")
        }
        return lists
    }
}
