import Crypto
import GatehouseConfig

/// The configured API keys, found by the SHA-256 of the presented `x-api-key` value and then compared in constant
/// time, so neither the lookup nor the comparison tells a caller how much of a guess was right. Values never leave
/// this type: logs, metrics and plans use the key's id.
public final class APIKeyTable: Sendable {
    struct Entry: Sendable {
        let id: String
        let value: [UInt8]
        let enabled: Bool
    }

    private let byDigest: [SHA256Digest: Entry]

    public init(_ keys: [APIKeyConfiguration] = []) {
        var byDigest: [SHA256Digest: Entry] = [:]
        for key in keys {
            let value = Array(key.value.exposedValue.utf8)
            byDigest[SHA256.hash(data: value)] = Entry(id: key.id, value: value, enabled: key.enabled)
        }
        self.byDigest = byDigest
    }

    public var isEmpty: Bool { byDigest.isEmpty }

    /// The key with this value, enabled or not; nil for an unknown value.
    func key(for presented: String) -> Entry? {
        let bytes = Array(presented.utf8)
        guard let entry = byDigest[SHA256.hash(data: bytes)] else { return nil }
        return Self.constantTimeEquals(entry.value, bytes) ? entry : nil
    }

    /// Compares every byte whatever the first difference (lengths are not secret: keys are 20–128 bytes).
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
