import Crypto
import GatehouseBytes
import Testing

@testable import SigV4

/// The verifier's allocation-free SHA-256 and HMAC (`SHA256State`, `SigningKey`) against swift-crypto's `SHA256`
/// and `HMAC<SHA256>`, for every length across the block and padding boundaries, in one update or two.
@Suite struct SHA256StateTests {
    private static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func digestMatchesSwiftCrypto() {
        for count in 0...300 {
            let message = Self.bytes(count, seed: UInt64(count))
            let expected = Array(SHA256.hash(data: message))
            #expect(message.withUnsafeBytes { SHA256State.hash($0) }.bytes == expected, "\(count) bytes")
            let split = count / 3
            var state = SHA256State()
            message[..<split].withUnsafeBytes { state.update($0) }
            message[split...].withUnsafeBytes { state.update($0) }
            #expect(state.finalize().bytes == expected, "\(count) bytes in two updates")
        }
        // The empty string's digest, as SigV4 spells it.
        #expect(Hex.string(SHA256State().finalize().bytes) == SigV4Canonical.emptyPayloadHash)
    }

    /// A copied state goes on independently of its original: what keeps a pre-keyed HMAC state reusable.
    @Test func copiesAreIndependent() {
        var original = SHA256State()
        Array("shared prefix".utf8).withUnsafeBytes { original.update($0) }
        var copy = original
        Array(" and more".utf8).withUnsafeBytes { copy.update($0) }
        #expect(copy.finalize().bytes == Array(SHA256.hash(data: Array("shared prefix and more".utf8))))
        #expect(original.finalize().bytes == Array(SHA256.hash(data: Array("shared prefix".utf8))))
    }

    @Test func signingKeyMACMatchesHMAC() {
        for keyLength in [0, 1, 32, 63, 64] {
            let key = SymmetricKey(data: Self.bytes(keyLength, seed: 99 &+ UInt64(keyLength)))
            let signingKey = SigningKey(key)
            for count in [0, 1, 55, 56, 63, 64, 65, 119, 120, 200] {
                let message = Self.bytes(count, seed: UInt64(count) &* 7)
                let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
                #expect(signingKey.authenticationCode(message).bytes == expected, "key \(keyLength), \(count) bytes")
                let split = count / 2
                let twoPieces = message[..<split].withUnsafeBytes { first in
                    message[split...].withUnsafeBytes { signingKey.authenticationCode(first, $0) }
                }
                #expect(twoPieces.bytes == expected, "key \(keyLength), \(count) bytes in two pieces")
            }
            // The same key twice: the kept states are not consumed by a MAC.
            #expect(signingKey.authenticationCode([1, 2, 3]) == signingKey.authenticationCode([1, 2, 3]))
        }
    }
}
