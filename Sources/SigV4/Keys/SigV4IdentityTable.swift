import GatehouseBytes
import Synchronization

/// The identities a verifier knows, found by the access key id's bytes as the request carries them — no `String`
/// is built for the key id of a verified request — each with the signing key of the day it last verified, so that a
/// warm verification looks up one table instead of an identity table and then a key cache.
///
/// A table belongs to one configuration: a reload builds a new one with its new verifier, so an identity that is
/// gone or changed is never served from it. The cached key is checked against the verifier's region and service
/// (two verifiers may share a table in tests); a miss goes to the verifier's `SigV4KeyCache`, which is the cache
/// shared across reloads.
public final class SigV4IdentityTable: Sendable {
    /// One identity and the derived key of one day. A class: a lookup hands out one reference.
    final class Entry: Sendable {
        let identity: SigV4Identity
        /// The position of the identity in the table's `identities` (`VerifiedCaller.identityIndex`); nil for an
        /// identity a lookup function gave, which is made for one request and keeps no key.
        let index: Int?
        private let dayKey = Mutex<DayKey?>(nil)

        private struct DayKey {
            var day: Int
            var region: String
            var service: String
            var key: SigningKey
        }

        init(identity: SigV4Identity, index: Int?) {
            self.identity = identity
            self.index = index
        }

        /// The signing key of `day` (`yyyyMMdd` as a number) for `region` and `service`, if it is the one kept.
        func signingKey(day: Int, region: String, service: String) -> SigningKey? {
            dayKey.withLock { kept in
                guard let kept, kept.day == day, kept.region == region, kept.service == service else { return nil }
                return kept.key
            }
        }

        /// Keeps `key` as the signing key of `day`; the previous day's key is dropped (one key per identity).
        func keep(_ key: SigningKey, day: Int, region: String, service: String) {
            dayKey.withLock { $0 = DayKey(day: day, region: region, service: service, key: key) }
        }
    }

    /// An access key id of up to 32 bytes held inline, so that hashing it needs no allocation. AWS key ids are 20.
    struct InlineKeyID: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count: Int

        static let capacity = 32

        /// Nil when `bytes` is longer than `capacity`.
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard bytes.count <= Self.capacity else { return nil }
            count = bytes.count
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
        }

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.count == rhs.count && lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
                && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(count)
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    /// The identities, one per access key id (the first of duplicates), in the order given.
    public let identities: [SigV4Identity]
    private let entries: [Entry]
    private let inline: [InlineKeyID: Int]
    /// The inline key ids when there are at most `scanLimit`: comparing a few in turn costs less than hashing one.
    private let scanned: [(key: InlineKeyID, index: Int)]?
    static let scanLimit = 8
    /// Key ids longer than `InlineKeyID.capacity`.
    private let long: [String: Int]
    /// Set for a verifier made with a lookup function instead of a table (tests, tools): asked for every request.
    private let lookup: (@Sendable (String) -> SigV4Identity?)?

    /// - Parameter identities: when two share an access key id, the first is kept.
    public init(_ identities: [SigV4Identity]) {
        var kept: [SigV4Identity] = []
        var inline: [InlineKeyID: Int] = [:]
        var long: [String: Int] = [:]
        var seen: Set<String> = []
        for identity in identities where seen.insert(identity.accessKeyID).inserted {
            let index = kept.count
            kept.append(identity)
            if let key = UTF8Bytes.with(identity.accessKeyID, { InlineKeyID($0) }) {
                inline[key] = index
            } else {
                long[identity.accessKeyID] = index
            }
        }
        self.identities = kept
        self.entries = kept.enumerated().map { Entry(identity: $1, index: $0) }
        self.inline = inline
        self.scanned = inline.count <= Self.scanLimit ? inline.map { ($0.key, $0.value) } : nil
        self.long = long
        self.lookup = nil
    }

    /// A table that asks `lookup` for each key id (`SigV4Verifier.init(region:…:lookup:)`).
    init(lookup: @escaping @Sendable (String) -> SigV4Identity?) {
        identities = []
        entries = []
        inline = [:]
        scanned = nil
        long = [:]
        self.lookup = lookup
    }

    /// The identity of an access key id, by its bytes.
    func entry(for keyID: UnsafeBufferPointer<UInt8>) -> Entry? {
        if let lookup {
            let text = String(decoding: keyID, as: UTF8.self)
            guard let found = lookup(text), found.accessKeyID == text else { return nil }
            return Entry(identity: found, index: nil)
        }
        if let key = InlineKeyID(keyID) {
            if let scanned {
                for candidate in scanned where candidate.key == key { return entries[candidate.index] }
                return nil
            }
            return inline[key].map { entries[$0] }
        }
        return long[String(decoding: keyID, as: UTF8.self)].map { entries[$0] }
    }

    /// The identity of an access key id.
    public func identity(for keyID: String) -> SigV4Identity? {
        UTF8Bytes.with(keyID) { entry(for: $0)?.identity }
    }
}
