import Crypto
import SwiftASN1
import X509
import _CryptoExtras

/// Verifies a signature over arbitrary bytes with a certificate's public key.
///
/// swift-certificates only exposes signature checks for certificates and CSRs; CRLs need the same for their
/// `tbsCertList`. Supports ECDSA (P-256/384/521 with SHA-256/384/512) and RSA PKCS#1 v1.5 with SHA-256/384/512,
/// which is what CAs use to sign CRLs. SHA-1 is refused.
enum SignatureCheck {
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
    static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 4]
    static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
    static let sha384WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 12]
    static let sha512WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 13]

    private enum Hash {
        case sha256, sha384, sha512
    }

    static func isValid(
        signature: ArraySlice<UInt8>,
        algorithm: ASN1ObjectIdentifier,
        over data: ArraySlice<UInt8>,
        publicKey: Certificate.PublicKey
    ) -> Bool {
        switch algorithm {
        case self.ecdsaWithSHA256: return self.ecdsa(signature, .sha256, data, publicKey)
        case self.ecdsaWithSHA384: return self.ecdsa(signature, .sha384, data, publicKey)
        case self.ecdsaWithSHA512: return self.ecdsa(signature, .sha512, data, publicKey)
        case self.sha256WithRSAEncryption: return self.rsa(signature, .sha256, data, publicKey)
        case self.sha384WithRSAEncryption: return self.rsa(signature, .sha384, data, publicKey)
        case self.sha512WithRSAEncryption: return self.rsa(signature, .sha512, data, publicKey)
        default: return false
        }
    }

    private static func ecdsa(
        _ signature: ArraySlice<UInt8>,
        _ hash: Hash,
        _ data: ArraySlice<UInt8>,
        _ publicKey: Certificate.PublicKey
    ) -> Bool {
        if let key = P256.Signing.PublicKey(publicKey) {
            guard let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            switch hash {
            case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: data))
            case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: data))
            case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: data))
            }
        }
        if let key = P384.Signing.PublicKey(publicKey) {
            guard let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            switch hash {
            case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: data))
            case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: data))
            case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: data))
            }
        }
        if let key = P521.Signing.PublicKey(publicKey) {
            guard let sig = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            switch hash {
            case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: data))
            case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: data))
            case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: data))
            }
        }
        return false
    }

    private static func rsa(
        _ signature: ArraySlice<UInt8>,
        _ hash: Hash,
        _ data: ArraySlice<UInt8>,
        _ publicKey: Certificate.PublicKey
    ) -> Bool {
        guard let key = _RSA.Signing.PublicKey(publicKey) else { return false }
        let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch hash {
        case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
        case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: data), padding: .insecurePKCS1v1_5)
        case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5)
        }
    }
}
