import GatehouseBytes

/// The two signing algorithms AWS accepts for `execute-api`.
public enum SigV4Algorithm: String, Sendable, Hashable {
    /// SigV4: HMAC-SHA256 with a key derived per day, region and service.
    case hmacSHA256 = "AWS4-HMAC-SHA256"
    /// SigV4a: ECDSA P-256 with a key derived from the secret, valid for a set of regions.
    case ecdsaP256SHA256 = "AWS4-ECDSA-P256-SHA256"
}

extension SigV4Algorithm: CaseIterable {
    /// The algorithm named by the bytes of an `Authorization` scheme, compared without building a String.
    init?(scheme: UnsafeBufferPointer<UInt8>) {
        guard let match = Self.allCases.first(where: { UTF8Bytes.with($0.rawValue) { ASCII.equals(scheme, $0) } })
        else { return nil }
        self = match
    }
}
