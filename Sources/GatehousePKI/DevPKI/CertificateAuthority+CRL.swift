import Crypto
import Foundation
import SwiftASN1
import X509

extension CertificateAuthority {
    /// Issues a CRL (v2, signed with ECDSA SHA-256 by this CA) listing `serialNumbers` as revoked at `now`.
    ///
    /// - Parameters:
    ///   - serialNumbers: the certificates to list.
    ///   - now: `thisUpdate` and the revocation date of every entry.
    ///   - validity: how long until `nextUpdate`; the default is 30 days, after which a verifier treats the list as
    ///     stale and refuses clients of this CA (fail closed, as nginx and Envoy do).
    ///   - crlNumber: the monotonically increasing CRL number; `nil` uses the current Unix time.
    public func makeCRL(
        revoking serialNumbers: [Certificate.SerialNumber],
        now: Date = Date(),
        validity: TimeInterval = 30 * 86400,
        crlNumber: UInt64? = nil
    ) throws -> CertificateRevocationList {
        let algorithm: ASN1ObjectIdentifier = SignatureCheck.ecdsaWithSHA256
        guard P256.Signing.PublicKey(self.privateKey.publicKey) != nil else {
            throw PKIError.invalidKey("the CA private key", "only ECDSA P-256 CA keys can sign development CRLs")
        }
        let number = crlNumber ?? UInt64(max(0, now.timeIntervalSince1970))
        let aki = try Certificate.Extension(try self.authorityKeyIdentifier(), critical: false)
        var numberCoder = DER.Serializer()
        try numberCoder.serialize(number)
        let numberExtension = Certificate.Extension(
            oid: CertificateRevocationList.crlNumberOID,
            critical: false,
            value: numberCoder.serializedBytes[...]
        )
        let unique = Array(Set(serialNumbers)).sorted { $0.description < $1.description }

        var tbsCoder = DER.Serializer()
        try tbsCoder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(algorithm) }
            try coder.serialize(self.certificate.subject)
            try ASN1Time.serialize(now, into: &coder)
            try ASN1Time.serialize(now.addingTimeInterval(validity), into: &coder)
            if !unique.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for serial in unique {
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(serial.bytes)
                            try ASN1Time.serialize(now, into: &coder)
                        }
                    }
                }
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(aki)
                    try coder.serialize(numberExtension)
                }
            }
        }
        let tbsBytes = tbsCoder.serializedBytes
        let signature = try self.privateKey.sign(bytes: tbsBytes, signatureAlgorithm: .ecdsaWithSHA256)

        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsBytes)
            try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(algorithm) }
            try coder.serialize(ASN1BitString(bytes: signature.rawRepresentation[...]))
        }
        return try CertificateRevocationList(derEncoded: coder.serializedBytes)
    }
}
