import CCryptoBoringSSL

/// SHA-256 as a plain value: the context is the 112-byte C struct of the BoringSSL that swift-crypto links (and calls
/// for its own `SHA256`), held inline. swift-crypto's `SHA256` keeps its context in a class, so every new hasher and
/// every update of a copied one (a pre-keyed HMAC state) allocates, and `finalize` copies and wipes the context; a
/// verified request does three of each. Here a copy is a copy of the struct and nothing is allocated.
///
/// Only for the verifier's hot path; results are checked against swift-crypto's `SHA256` and `HMAC` in the tests.
struct SHA256State: @unchecked Sendable {
    private var context = SHA256_CTX()

    init() {
        // Cannot fail: it only sets the initial hash value.
        _ = CCryptoBoringSSL_SHA256_Init(&context)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = CCryptoBoringSSL_SHA256_Update(&context, base, bytes.count)
    }

    /// The digest; the state is consumed (its copy is left as the C function leaves it).
    consuming func finalize() -> SHA256Bytes {
        var digest = SHA256Bytes()
        withUnsafeMutableBytes(of: &digest.words) { out in
            // Cannot fail: it pads and writes the 32 bytes.
            _ = CCryptoBoringSSL_SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        return digest
    }

    /// The digest of `bytes`.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Bytes {
        var state = SHA256State()
        state.update(bytes)
        return state.finalize()
    }
}

/// A SHA-256 digest held inline (32 bytes).
struct SHA256Bytes: Sendable, Equatable {
    fileprivate var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        Swift.withUnsafeBytes(of: words, body)
    }

    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }
}
