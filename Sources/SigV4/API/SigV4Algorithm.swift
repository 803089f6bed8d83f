/// The two signing algorithms AWS accepts for `execute-api`.
public enum SigV4Algorithm: String, Sendable, Hashable {
    /// SigV4: HMAC-SHA256 with a key derived per day, region and service.
    case hmacSHA256 = "AWS4-HMAC-SHA256"
    /// SigV4a: ECDSA P-256 with a key derived from the secret, valid for a set of regions.
    case ecdsaP256SHA256 = "AWS4-ECDSA-P256-SHA256"
}

extension SigV4Algorithm {
    /// The algorithm named by the bytes of an `Authorization` scheme, compared without building a String.
    init?(scheme: UnsafeBufferPointer<UInt8>) {
        if ASCII.equals(scheme, "AWS4-HMAC-SHA256") {
            self = .hmacSHA256
        } else if ASCII.equals(scheme, "AWS4-ECDSA-P256-SHA256") {
            self = .ecdsaP256SHA256
        } else {
            return nil
        }
    }

    /// The name as it appears on the first line of the string to sign.
    var name: StaticString {
        switch self {
        case .hmacSHA256: return "AWS4-HMAC-SHA256"
        case .ecdsaP256SHA256: return "AWS4-ECDSA-P256-SHA256"
        }
    }
}
