import Crypto

/// A request whose signature parameters, identity, session token, scope and date have been accepted, waiting for
/// the body hash. The gateway obtains it before reading the body, so bad requests are refused without reading it.
public struct PendingVerification: Sendable {
    enum Key: Sendable {
        case hmac(HMAC<SHA256>)
        case ecdsa(P256.Signing.PublicKey)
    }

    enum Payload: Sendable {
        /// The client declared `UNSIGNED-PAYLOAD`.
        case unsigned
        /// The client declared this lowercase hex hash in `X-Amz-Content-Sha256`.
        case declared(String)
        /// Nothing declared: the hash of the body received is signed.
        case bodyHash
    }

    let canonicalPrefix: [UInt8]
    let stringToSignPrefix: [UInt8]
    let payload: Payload
    let key: Key
    let signature: String
    let caller: VerifiedCaller

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
        switch stringToSignBytes(bodySHA256Hex: bodySHA256Hex) {
        case .failure(let error): return .failure(error)
        case .success(let stringToSign): return verify(stringToSign) ? .success(caller) : .failure(.signatureMismatch)
        }
    }

    /// The canonical request the signature must cover (diagnostics and tests; never sent to clients).
    func canonicalRequest(bodySHA256Hex: String?) -> Result<String, SigV4Error> {
        canonicalBytes(bodySHA256Hex: bodySHA256Hex).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The string to sign (diagnostics and tests).
    func stringToSign(bodySHA256Hex: String?) -> Result<String, SigV4Error> {
        stringToSignBytes(bodySHA256Hex: bodySHA256Hex).map { String(decoding: $0, as: UTF8.self) }
    }

    private func canonicalBytes(bodySHA256Hex: String?) -> Result<[UInt8], SigV4Error> {
        let bodyHash = bodySHA256Hex ?? SigV4Canonical.emptyPayloadHash
        let payloadLine: String
        switch payload {
        case .unsigned:
            payloadLine = "UNSIGNED-PAYLOAD"
        case .declared(let declared):
            guard ConstantTime.equals(declared.utf8, bodyHash.lowercased().utf8) else {
                return .failure(.payloadHashMismatch)
            }
            payloadLine = declared
        case .bodyHash:
            payloadLine = bodyHash
        }
        var canonical = canonicalPrefix
        canonical.append(contentsOf: payloadLine.utf8)
        return .success(canonical)
    }

    private func stringToSignBytes(bodySHA256Hex: String?) -> Result<[UInt8], SigV4Error> {
        canonicalBytes(bodySHA256Hex: bodySHA256Hex).map { canonical in
            var stringToSign = stringToSignPrefix
            Hex.append(SHA256.hash(data: canonical), to: &stringToSign)
            return stringToSign
        }
    }

    private func verify(_ stringToSign: [UInt8]) -> Bool {
        switch key {
        case .hmac(let keyed):
            var mac = keyed
            mac.update(data: stringToSign)
            var expected: [UInt8] = []
            expected.reserveCapacity(64)
            Hex.append(mac.finalize(), to: &expected)
            return ConstantTime.equals(expected, signature.utf8)
        case .ecdsa(let publicKey):
            guard let der = Hex.decode(Array(signature.utf8)),
                let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: der)
            else { return false }
            return publicKey.isValidSignature(ecdsa, for: SHA256.hash(data: stringToSign))
        }
    }
}
