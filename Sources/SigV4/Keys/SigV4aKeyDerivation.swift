import Crypto
import GatehouseBytes

/// Derives the SigV4a ECDSA P-256 key pair from an access key id and secret exactly as AWS does (and as the
/// aws-c-auth test vectors' `public-key.json` proves): NIST SP 800-108 counter-mode KDF with HMAC-SHA256 keyed with
/// `"AWS4A" + secret`, over `00000001 ‖ "AWS4-ECDSA-P256-SHA256" ‖ 00 ‖ access_key_id ‖ counter ‖ 00000100`.
/// The first output `c ≤ n − 2` (n the P-256 order) gives the private scalar `d = c + 1`.
enum SigV4aKeyDerivation {
    /// n − 2 for P-256, big-endian.
    private static let orderMinusTwo: [UInt8] = Hex.decode(
        Array("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC63254F".utf8)
    )!

    static func privateKey(accessKeyID: String, secret: String) -> P256.Signing.PrivateKey {
        let key = SymmetricKey(data: Array("AWS4A\(secret)".utf8))
        var input: [UInt8] = [0, 0, 0, 1]
        input += Array("AWS4-ECDSA-P256-SHA256".utf8)
        input.append(0)
        input += Array(accessKeyID.utf8)
        let counterIndex = input.count
        input.append(1)
        input += [0, 0, 1, 0]
        for counter in UInt8(1)...UInt8(254) {
            input[counterIndex] = counter
            let candidate = Array(HMAC<SHA256>.authenticationCode(for: input, using: key))
            guard !isGreater(candidate, than: orderMinusTwo) else { continue }
            let scalar = addOne(candidate)
            // A 32-byte scalar in [1, n-1] is always a valid private key.
            if let privateKey = try? P256.Signing.PrivateKey(rawRepresentation: scalar) {
                return privateKey
            }
        }
        // Probability of reaching here is about 2^-8000; AWS fails the same way.
        preconditionFailure("SigV4a key derivation found no candidate")
    }

    /// Big-endian unsigned comparison of two 32-byte numbers.
    static func isGreater(_ lhs: [UInt8], than rhs: [UInt8]) -> Bool {
        for index in 0..<32 where lhs[index] != rhs[index] {
            return lhs[index] > rhs[index]
        }
        return false
    }

    /// Big-endian `value + 1`; never overflows here because `value ≤ n − 2`.
    static func addOne(_ value: [UInt8]) -> [UInt8] {
        var result = value
        var index = result.count - 1
        while index >= 0 {
            let (sum, overflow) = result[index].addingReportingOverflow(1)
            result[index] = sum
            if !overflow { break }
            index -= 1
        }
        return result
    }
}
