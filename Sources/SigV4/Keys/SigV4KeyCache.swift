import Crypto
import GatehouseBytes
import Synchronization

/// Derived keys, cached so that a warm verification costs one HMAC (v4) or one ECDSA verify (v4a) plus SHA-256s.
/// v4 keys are cached per (access key, date) as a pre-keyed HMAC; v4a public keys per access key. Each entry
/// remembers the secret, region and service it came from, so a rotated secret or a new region is never served a
/// stale key. Share one cache across configuration reloads by passing it to each new `SigV4Verifier`.
public final class SigV4KeyCache: Sendable {
    /// The date is the number `yyyyMMdd`: the lookup hashes the access key id and an integer, nothing built.
    private struct V4Key: Hashable {
        var accessKeyID: String
        var day: Int
    }

    private struct V4Entry {
        var secret: String
        var region: String
        var service: String
        var key: SigningKey
    }

    private struct V4aEntry {
        var secret: String
        var publicKey: P256.Signing.PublicKey
    }

    private let v4 = Mutex<[V4Key: V4Entry]>([:])
    private let v4a = Mutex<[String: V4aEntry]>([:])
    private let capacity: Int

    /// `capacity` bounds each table; when full it is emptied (a cheap, safe eviction for a small working set).
    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The HMAC keyed with the signing key of `identity` for `date` (`yyyyMMdd`), `region` and `service`.
    func signingKey(identity: SigV4Identity, date: TextSlice, region: String, service: String) -> SigningKey {
        let day = Self.day(date)
        let cacheKey = V4Key(accessKeyID: identity.accessKeyID, day: day)
        // Checked under the lock so that only the key is copied out.
        let hit = v4.withLock { table -> SigningKey? in
            guard day >= 0, let entry = table[cacheKey], entry.secret == identity.secretAccessKey,
                entry.region == region, entry.service == service
            else { return nil }
            return entry.key
        }
        if let hit { return hit }
        let key = SigningKey(
            SigV4KeyDerivation.signingKey(
                secret: identity.secretAccessKey, date: date.string[...], region: region[...], service: service[...]
            )
        )
        guard day >= 0 else { return key }
        let entry = V4Entry(secret: identity.secretAccessKey, region: region, service: service, key: key)
        v4.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[cacheKey] = entry
        }
        return key
    }

    /// `yyyyMMdd` as the number it spells, or -1 when it is not eight digits.
    static func day(_ date: TextSlice) -> Int {
        date.withBytes { bytes in
            bytes.count == 8 && bytes.allSatisfy(ASCII.isDigit) ? bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) } : -1
        }
    }

    /// The SigV4a public key of an identity.
    func publicKey(identity: SigV4Identity) -> P256.Signing.PublicKey {
        if let hit = v4a.withLock({ $0[identity.accessKeyID] }), hit.secret == identity.secretAccessKey {
            return hit.publicKey
        }
        let publicKey = SigV4aKeyDerivation.privateKey(
            accessKeyID: identity.accessKeyID, secret: identity.secretAccessKey
        ).publicKey
        v4a.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[identity.accessKeyID] = V4aEntry(secret: identity.secretAccessKey, publicKey: publicKey)
        }
        return publicKey
    }
}
