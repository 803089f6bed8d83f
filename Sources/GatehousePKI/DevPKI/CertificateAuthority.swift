import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority that can issue certificates and CRLs: a CA certificate with its private key.
///
/// Used by `gatehouse certs` to write a development PKI and by tests to make every kind of certificate they need
/// (other CAs, intermediates, expired or wrongly-used leaves) with the project's own code.
public struct CertificateAuthority: Sendable {
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA's signing key.
    public let privateKey: Certificate.PrivateKey
    /// Certificates above this CA up to (excluding) the root, nearest first; empty for a root CA. Appended to the
    /// PEM of every leaf it issues so that clients present a complete chain.
    public let chain: [Certificate]

    /// Wraps an existing CA certificate and key; fails when the key does not belong to the certificate or the
    /// certificate is not a CA.
    public init(certificate: Certificate, privateKey: Certificate.PrivateKey, chain: [Certificate] = []) throws {
        guard certificate.publicKey == privateKey.publicKey else {
            throw PKIError.invalidKey("the CA private key", "it does not match the CA certificate")
        }
        guard case .isCertificateAuthority = try certificate.extensions.basicConstraints else {
            throw PKIError.invalidCertificate("the CA certificate", "it is not a CA (basicConstraints CA:TRUE)")
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.chain = chain
    }

    /// Creates a new self-signed root CA with an ECDSA P-256 key.
    ///
    /// - Parameters:
    ///   - commonName: subject CN; `nil` gives "Gatehouse Development CA" plus a random suffix so that two
    ///     development CAs never share a subject name (chains and CRLs are looked up by name).
    ///   - now: the issuing time; validity starts one hour earlier and lasts ten years.
    public static func makeRoot(
        commonName: String? = nil,
        now: Date = Date(),
        validity: TimeInterval = 3650 * 86400
    ) throws -> CertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName {
            OrganizationName("Gatehouse")
            CommonName(commonName ?? "Gatehouse Development CA \(randomSuffix())")
        }
        let notBefore = now.addingTimeInterval(-3600)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notBefore.addingTimeInterval(validity),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key
        )
        return try CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Issues an intermediate CA below this one (ECDSA P-256, validity clamped to this CA's).
    public func issueIntermediate(
        commonName: String,
        now: Date = Date(),
        validity: TimeInterval = 5 * 365 * 86400
    ) throws -> CertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let notBefore = max(now.addingTimeInterval(-3600), self.certificate.notValidBefore)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notBefore,
            notValidAfter: min(notBefore.addingTimeInterval(validity), self.certificate.notValidAfter),
            issuer: self.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("Gatehouse")
                CommonName(commonName)
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
                try self.authorityKeyIdentifier()
            },
            issuerPrivateKey: self.privateKey
        )
        return try CertificateAuthority(
            certificate: certificate,
            privateKey: key,
            chain: [self.certificate] + self.chain
        )
    }

    /// Issues a leaf certificate for a fresh ECDSA P-256 key as `profile` describes.
    ///
    /// Validity defaults to one year starting an hour ago and never extends past this CA's own end unless the
    /// profile sets explicit dates (tests use that to make expired or not-yet-valid certificates).
    public func issueLeaf(_ profile: LeafProfile, now: Date = Date()) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        let notBefore = profile.notBefore ?? now.addingTimeInterval(-3600)
        let notAfter =
            profile.notAfter ?? min(notBefore.addingTimeInterval(365 * 86400), self.certificate.notValidAfter)
        guard notAfter > notBefore else {
            throw PKIError.invalidArgument("The certificate's not-after date must be later than its not-before date.")
        }
        let subject = try DistinguishedName {
            if let unit = profile.organizationalUnit {
                OrganizationalUnitName(unit)
            }
            CommonName(profile.commonName)
        }
        var names: [GeneralName] = profile.dnsNames.map { .dnsName($0) }
        for address in profile.ipAddresses {
            guard let bytes = IPAddressBytes.parse(address) else {
                throw PKIError.invalidArgument("\"\(address)\" is not an IP address.")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        names += profile.uris.map { .uniformResourceIdentifier($0) }
        let sanNames = names
        let usages: [ExtendedKeyUsage.Usage]?
        switch profile.usage {
        case .client: usages = [.clientAuth]
        case .server: usages = [.serverAuth]
        case .clientAndServer: usages = [.serverAuth, .clientAuth]
        case .unrestricted: usages = nil
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: certificateKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: self.certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                if let usages {
                    try ExtendedKeyUsage(usages)
                }
                if !sanNames.isEmpty {
                    SubjectAlternativeNames(sanNames)
                }
                SubjectKeyIdentifier(hash: certificateKey.publicKey)
                try self.authorityKeyIdentifier()
            },
            issuerPrivateKey: self.privateKey
        )
        return IssuedCertificate(
            certificate: certificate, privateKey: key,
            chain: self.chain.isEmpty ? [] : [self.certificate] + self.chain.dropLast())
    }

    /// The authority key identifier extension naming this CA's key, for certificates and CRLs it signs.
    func authorityKeyIdentifier() throws -> AuthorityKeyIdentifier {
        let identifier =
            try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: self.certificate.publicKey).keyIdentifier
        return AuthorityKeyIdentifier(keyIdentifier: identifier)
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt32, radix: 16)
    }
}
