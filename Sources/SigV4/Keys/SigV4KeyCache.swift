import Crypto
import Synchronization

/// Derived keys, cached so that a warm verification costs one HMAC (v4) or one ECDSA verify (v4a) plus SHA-256s.
/// v4 keys are cached per (access key, date, region, service) as a pre-keyed HMAC; v4a public keys per access key.
/// Each entry remembers the secret it came from, so a rotated secret is never served a stale key.
/// Share one cache across configuration reloads by passing it to each new `SigV4Verifier`.
public final class SigV4KeyCache: Sendable {
    private struct V4Entry {
        var secret: String
        var mac: HMAC<SHA256>
    }

    private struct V4aEntry {
        var secret: String
        var publicKey: P256.Signing.PublicKey
    }

    private let v4 = Mutex<[String: V4Entry]>([:])
    private let v4a = Mutex<[String: V4aEntry]>([:])
    private let capacity: Int

    /// `capacity` bounds each table; when full it is emptied (a cheap, safe eviction for a small working set).
    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// An HMAC-SHA256 already keyed with the signing key; the caller updates a copy with the string to sign.
    func signingMAC(identity: SigV4Identity, date: Substring, region: Substring, service: Substring) -> HMAC<SHA256> {
        let cacheKey = "\(identity.accessKeyID)\u{0}\(date)\u{0}\(region)\u{0}\(service)"
        if let hit = v4.withLock({ $0[cacheKey] }), hit.secret == identity.secretAccessKey {
            return hit.mac
        }
        let key = SigV4KeyDerivation.signingKey(
            secret: identity.secretAccessKey, date: date, region: region, service: service
        )
        let entry = V4Entry(secret: identity.secretAccessKey, mac: HMAC<SHA256>(key: key))
        v4.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[cacheKey] = entry
        }
        return entry.mac
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
