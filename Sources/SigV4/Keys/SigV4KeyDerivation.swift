import Crypto

/// The SigV4 signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
enum SigV4KeyDerivation {
    static func signingKey(secret: String, date: Substring, region: Substring, service: Substring) -> SymmetricKey {
        let dateKey = mac(key: SymmetricKey(data: Array("AWS4\(secret)".utf8)), Array(date.utf8))
        let regionKey = mac(key: dateKey, Array(region.utf8))
        let serviceKey = mac(key: regionKey, Array(service.utf8))
        return mac(key: serviceKey, Array("aws4_request".utf8))
    }

    private static func mac(key: SymmetricKey, _ data: [UInt8]) -> SymmetricKey {
        SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: data, using: key)))
    }
}
