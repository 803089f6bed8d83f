import Crypto

/// HMAC-SHA256 keyed with a derived SigV4 signing key, kept as the two SHA-256 states that have absorbed the
/// padded key (what `HMAC` keeps too), so that a request costs only its own blocks: the states are plain values
/// (`SHA256State`), copied for each MAC without an allocation.
struct SigningKey: Sendable {
    private let inner: SHA256State
    private let outer: SHA256State

    /// `key` is at most one SHA-256 block (a derived key is 32 bytes).
    init(_ key: SymmetricKey) {
        precondition(key.bitCount <= 512, "signing keys are 32 bytes")
        var block = [UInt8](repeating: 0, count: 64)
        key.withUnsafeBytes { bytes in
            for index in 0..<bytes.count { block[index] = bytes[index] }
        }
        var inner = SHA256State()
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update($0) }
        var outer = SHA256State()
        block.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update($0) }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC of `first` followed by `second`.
    func authenticationCode(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> SHA256Bytes {
        var inner = self.inner
        inner.update(first)
        inner.update(second)
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update($0) }
        return outer.finalize()
    }

    /// HMAC of `message`.
    func authenticationCode(_ message: [UInt8]) -> SHA256Bytes {
        message.withUnsafeBytes { authenticationCode($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
    }
}
