import Crypto
import GatehouseBytes

/// A request whose signature parameters, identity, session token, scope and date have been accepted, waiting for
/// the body hash. The gateway obtains it before reading the body, so bad requests are refused without reading it.
/// A class: it travels from the head phase to the body phase with the request, and one reference moves instead of
/// the canonical prefixes, the keyed HMAC, the signature and the caller's fields.
public final class PendingVerification: Sendable {
    enum Key: Sendable {
        case hmac(SigningKey)
        case ecdsa(P256.Signing.PublicKey)
    }

    enum Payload: Sendable {
        /// The client declared `UNSIGNED-PAYLOAD`.
        case unsigned
        /// The client declared this lowercase hex hash in `X-Amz-Content-Sha256`.
        case declared(TextSlice)
        /// Nothing declared: the hash of the body received is signed.
        case bodyHash
    }

    /// The canonical request without its payload line, then the string to sign without its last line, then the
    /// signature as sent (lowercase hex for v4, hex DER for v4a): one allocation for the three.
    let prefixes: [UInt8]
    /// Where the string-to-sign prefix starts in `prefixes`.
    let canonicalPrefixCount: Int
    /// Where it ends, and the signature starts.
    let stringToSignPrefixEnd: Int
    let payload: Payload
    let key: Key
    let caller: VerifiedCaller

    init(
        prefixes: [UInt8], canonicalPrefixCount: Int, stringToSignPrefixEnd: Int, payload: Payload, key: Key,
        caller: VerifiedCaller
    ) {
        self.prefixes = prefixes
        self.canonicalPrefixCount = canonicalPrefixCount
        self.stringToSignPrefixEnd = stringToSignPrefixEnd
        self.payload = payload
        self.key = key
        self.caller = caller
    }

    /// The signature as sent.
    private func withSignature<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        prefixes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[stringToSignPrefixEnd...])) }
    }

    /// Whether `finish` needs the SHA-256 of the body. False only for `UNSIGNED-PAYLOAD`, in which case the body
    /// can be streamed without hashing.
    public var needsBodyHash: Bool {
        if case .unsigned = payload { return false }
        return true
    }

    /// The access key id that signed, known before the body is read (for logs and rate limits).
    public var accessKeyID: String { caller.accessKeyID }

    /// Checks the signature once the body has been hashed.
    /// - Parameter bodySHA256Hex: the lowercase hex SHA-256 of the body as received; nil means an empty body.
    ///   Ignored when `needsBodyHash` is false.
    public func finish(bodySHA256Hex: String?) -> Result<VerifiedCaller, SigV4Error> {
        let verified = withStringToSignPieces(bodySHA256Hex: bodySHA256Hex) { prefix, canonicalHashHex in
            verify(prefix, canonicalHashHex)
        }
        switch verified {
        case .failure(let error): return .failure(error)
        case .success(let valid): return valid ? .success(caller) : .failure(.signatureMismatch)
        }
    }

    /// The canonical request the signature must cover (diagnostics and tests; never sent to clients).
    func canonicalRequest(bodySHA256Hex: String?) -> Result<String, SigV4Error> {
        withPayloadLine(bodySHA256Hex: bodySHA256Hex) { line in
            prefixes.withUnsafeBufferPointer { buffer in
                String(decoding: Array(buffer[..<canonicalPrefixCount]) + Array(line), as: UTF8.self)
            }
        }
    }

    /// The string to sign (diagnostics and tests).
    func stringToSign(bodySHA256Hex: String?) -> Result<String, SigV4Error> {
        withStringToSignPieces(bodySHA256Hex: bodySHA256Hex) { prefix, hex in
            String(decoding: Array(prefix) + Array(hex), as: UTF8.self)
        }
    }

    /// The payload line: `UNSIGNED-PAYLOAD`, the declared hash once it matches the body's, or the body's hash.
    private func withPayloadLine<R>(
        bodySHA256Hex: String?, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> Result<R, SigV4Error> {
        let bodyHash = bodySHA256Hex ?? SigV4Canonical.emptyPayloadHash
        switch payload {
        case .unsigned:
            let line: StaticString = "UNSIGNED-PAYLOAD"
            return .success(body(UnsafeBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount)))
        case .declared(let declared):
            let matches = declared.withBytes { declared in
                UTF8Bytes.with(bodyHash) { computed in
                    guard declared.count == computed.count else { return false }
                    var difference: UInt8 = 0
                    for index in 0..<declared.count {
                        difference |= declared[index] ^ ASCII.lowercased(computed[index])
                    }
                    return difference == 0
                }
            }
            guard matches else { return .failure(.payloadHashMismatch) }
            return .success(declared.withBytes(body))
        case .bodyHash:
            return .success(UTF8Bytes.with(bodyHash, body))
        }
    }

    /// The string-to-sign prefix and the hex SHA-256 of the canonical request: the string to sign in two pieces,
    /// without copying them together.
    private func withStringToSignPieces<R>(
        bodySHA256Hex: String?, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R
    ) -> Result<R, SigV4Error> {
        prefixes.withUnsafeBufferPointer { buffer in
            let canonicalPrefix = UnsafeBufferPointer(rebasing: buffer[..<canonicalPrefixCount])
            let hashed = withPayloadLine(bodySHA256Hex: bodySHA256Hex) { line in
                var hasher = SHA256State()
                hasher.update(UnsafeRawBufferPointer(canonicalPrefix))
                hasher.update(UnsafeRawBufferPointer(line))
                return hasher.finalize()
            }
            return hashed.map { digest in
                digest.withUnsafeBytes { digest in
                    Hex.withLowercase(digest) { hex in
                        body(UnsafeBufferPointer(rebasing: buffer[canonicalPrefixCount..<stringToSignPrefixEnd]), hex)
                    }
                }
            }
        }
    }

    private func verify(_ prefix: UnsafeBufferPointer<UInt8>, _ canonicalHashHex: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        switch key {
        case .hmac(let signingKey):
            let mac = signingKey.authenticationCode(
                UnsafeRawBufferPointer(prefix), UnsafeRawBufferPointer(canonicalHashHex)
            )
            return mac.withUnsafeBytes { mac in
                Hex.withLowercase(mac) { expected in withSignature { ConstantTime.equals(expected, $0) } }
            }
        case .ecdsa(let publicKey):
            guard let der = withSignature({ Hex.decode($0) }),
                let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: der)
            else { return false }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(prefix))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(canonicalHashHex))
            return publicKey.isValidSignature(ecdsa, for: hasher.finalize())
        }
    }
}
