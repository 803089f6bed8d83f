import Foundation
import SwiftASN1
import X509

/// An X.509 certificate revocation list (RFC 5280 §5), parsed with swift-asn1 because neither NIOSSL nor
/// swift-certificates reads CRLs.
///
/// Only complete, direct CRLs are accepted: a CRL with any critical extension or critical entry extension this type
/// does not understand (delta CRLs, issuing distribution points, indirect CRLs) fails to parse, so a CRL can never
/// silently cover fewer certificates than it seems to.
public struct CertificateRevocationList: Sendable, Hashable {
    /// The CA that issued (and signed) the list.
    public let issuer: DistinguishedName
    /// When the list was issued.
    public let thisUpdate: Date
    /// When the next list is due; after it this one is stale. `nil` when the list does not say.
    public let nextUpdate: Date?
    /// Serial numbers of the revoked certificates.
    public let revokedSerialNumbers: Set<Certificate.SerialNumber>
    /// The CRL number extension's big-endian integer bytes, when present.
    public let crlNumber: ArraySlice<UInt8>?
    /// The algorithm the signature claims to use.
    let signatureAlgorithm: ASN1ObjectIdentifier
    /// The DER bytes of `tbsCertList`, which the signature covers.
    let tbsBytes: ArraySlice<UInt8>
    /// The signature value.
    let signatureBytes: ArraySlice<UInt8>
    /// The complete DER encoding.
    public let derBytes: [UInt8]

    /// Parses one DER-encoded CRL.
    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        let (tbsNode, algorithmNode, signatureNode) = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next(), let algorithm = nodes.next(), let signature = nodes.next(),
                nodes.next() == nil
            else {
                throw ASN1Error.invalidASN1Object(reason: "CertificateList must have exactly three elements")
            }
            return (tbs, algorithm, signature)
        }
        let outerAlgorithm = try Self.algorithmOID(algorithmNode)
        let signature = try ASN1BitString(derEncoded: signatureNode)
        let tbs = try DER.sequence(tbsNode, identifier: .sequence) { nodes in
            var all: [ASN1Node] = []
            while let node = nodes.next() { all.append(node) }
            return all
        }
        var index = 0
        func next() throws -> ASN1Node {
            guard index < tbs.count else {
                throw ASN1Error.invalidASN1Object(reason: "TBSCertList is too short")
            }
            defer { index += 1 }
            return tbs[index]
        }
        if index < tbs.count, tbs[index].identifier == .integer {
            let version = try Int(derEncoded: try next())
            guard version == 1 else {
                throw ASN1Error.invalidASN1Object(reason: "unsupported CRL version \(version + 1)")
            }
        }
        let innerAlgorithm = try Self.algorithmOID(try next())
        guard innerAlgorithm == outerAlgorithm else {
            throw ASN1Error.invalidASN1Object(reason: "the inner and outer signature algorithms differ")
        }
        self.issuer = try DistinguishedName(derEncoded: try next())
        self.thisUpdate = try ASN1Time.date(from: try next())
        if index < tbs.count, ASN1Time.isTime(tbs[index]) {
            self.nextUpdate = try ASN1Time.date(from: try next())
        } else {
            self.nextUpdate = nil
        }
        var revoked = Set<Certificate.SerialNumber>()
        if index < tbs.count, tbs[index].identifier == .sequence {
            let entries = try next()
            try DER.sequence(entries, identifier: .sequence) { nodes in
                while let entry = nodes.next() {
                    revoked.insert(try Self.revokedSerial(entry))
                }
            }
        }
        var crlNumber: ArraySlice<UInt8>?
        let extensionsTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
        if index < tbs.count, tbs[index].identifier == extensionsTag {
            let extensions = try DER.explicitlyTagged(try next(), tagNumber: 0, tagClass: .contextSpecific) { node in
                try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
            }
            for ext in extensions {
                if ext.oid == Self.crlNumberOID {
                    crlNumber = try ArraySlice<UInt8>(derEncoded: ext.value)
                } else if ext.critical {
                    throw ASN1Error.invalidASN1Object(reason: "unsupported critical CRL extension \(ext.oid)")
                }
            }
        }
        guard index == tbs.count else {
            throw ASN1Error.invalidASN1Object(reason: "unexpected data at the end of TBSCertList")
        }
        self.revokedSerialNumbers = revoked
        self.crlNumber = crlNumber
        self.signatureAlgorithm = outerAlgorithm
        self.tbsBytes = tbsNode.encodedBytes
        self.signatureBytes = signature.bytes
        self.derBytes = bytes
    }

    /// Whether `certificate` could have signed this list: its subject is the list's issuer, its key usage (when
    /// present) allows CRL signing, and the signature verifies with its public key.
    public func isSigned(by certificate: Certificate) -> Bool {
        guard certificate.subject == self.issuer else { return false }
        if let usage = try? certificate.extensions.keyUsage, !usage.cRLSign { return false }
        return SignatureCheck.isValid(
            signature: self.signatureBytes,
            algorithm: self.signatureAlgorithm,
            over: self.tbsBytes,
            publicKey: certificate.publicKey
        )
    }

    /// The list is current at `now`: issued already and, when it says when the next is due, not yet stale.
    public func isCurrent(at now: Date) -> Bool {
        if self.thisUpdate > now { return false }
        if let nextUpdate = self.nextUpdate, nextUpdate < now { return false }
        return true
    }

    /// The DER encoding as PEM (`-----BEGIN X509 CRL-----`).
    public var pemString: String {
        PEMDocument(type: "X509 CRL", derBytes: self.derBytes).pemString
    }

    static let crlNumberOID: ASN1ObjectIdentifier = [2, 5, 29, 20]

    private static func algorithmOID(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let oidNode = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "empty AlgorithmIdentifier")
            }
            let oid = try ASN1ObjectIdentifier(derEncoded: oidNode)
            _ = nodes.next()
            return oid
        }
    }

    private static func revokedSerial(_ entry: ASN1Node) throws -> Certificate.SerialNumber {
        try DER.sequence(entry, identifier: .sequence) { nodes in
            guard let serialNode = nodes.next(), let dateNode = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "revoked certificate entry is too short")
            }
            let serial = try ArraySlice<UInt8>(derEncoded: serialNode)
            _ = try ASN1Time.date(from: dateNode)
            if let extensionsNode = nodes.next() {
                let extensions = try DER.sequence(
                    of: Certificate.Extension.self,
                    identifier: .sequence,
                    rootNode: extensionsNode
                )
                if let critical = extensions.first(where: { $0.critical }) {
                    throw ASN1Error.invalidASN1Object(
                        reason: "unsupported critical CRL entry extension \(critical.oid)"
                    )
                }
            }
            return Certificate.SerialNumber(bytes: serial)
        }
    }
}
