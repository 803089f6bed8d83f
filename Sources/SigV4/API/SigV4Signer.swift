import Crypto
import GatehouseBytes

/// Signs requests with SigV4 or SigV4a, in the `Authorization` header or as a presigned query. Used by the load
/// generator and the tests; it shares the canonicalization code with the verifier.
public struct SigV4Signer: Sendable {
    /// What the payload line of the canonical request holds.
    public enum PayloadSigning: Sendable {
        /// The body's SHA-256, not announced in a header (what botocore does for non-S3 services).
        case bodyHash
        /// The body's SHA-256, also sent and signed as `X-Amz-Content-Sha256`.
        case bodyHashWithHeader
        /// `UNSIGNED-PAYLOAD`, declared in `X-Amz-Content-Sha256`.
        case unsigned
    }

    /// Headers never signed: they are hop-by-hop or rewritten by proxies.
    private static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "expect", "x-amzn-trace-id", "connection", "keep-alive", "te", "trailer",
        "transfer-encoding", "upgrade", "proxy-authorization", "proxy-connection",
    ]

    public let identity: SigV4Identity
    public let region: String
    public let service: String
    public let algorithm: SigV4Algorithm
    private let keyCache = SigV4KeyCache(capacity: 16)
    private let ecdsaKey: P256.Signing.PrivateKey?

    public init(
        accessKeyID: String,
        secretAccessKey: String,
        sessionToken: String? = nil,
        region: String,
        service: String = "execute-api",
        algorithm: SigV4Algorithm = .hmacSHA256
    ) {
        identity = SigV4Identity(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        self.region = region
        self.service = service
        self.algorithm = algorithm
        ecdsaKey =
            algorithm == .ecdsaP256SHA256
            ? SigV4aKeyDerivation.privateKey(accessKeyID: accessKeyID, secret: secretAccessKey) : nil
    }

    /// The SigV4a public key for this signer's credentials (what a verifier derives too).
    public var ecdsaPublicKey: P256.Signing.PublicKey? { ecdsaKey?.publicKey }

    /// The headers to add to `request` for header signing: `X-Amz-Date`, `X-Amz-Security-Token`,
    /// `X-Amz-Region-Set` (v4a), `X-Amz-Content-Sha256` (when asked) and `Authorization`.
    /// - Parameter bodySHA256Hex: the body's hex SHA-256; nil for an empty body.
    public func headersToAdd(
        for request: SigV4Request,
        bodySHA256Hex: String?,
        now: Int,
        payload: PayloadSigning = .bodyHash
    ) -> [(name: String, value: String)] {
        let timestamp = AmzTimestamp(epochSeconds: now)
        let bodyHash = bodySHA256Hex ?? SigV4Canonical.emptyPayloadHash
        var added: [(name: String, value: String)] = [("X-Amz-Date", timestamp.basic)]
        if let token = identity.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        if algorithm == .ecdsaP256SHA256 { added.append(("X-Amz-Region-Set", region)) }
        switch payload {
        case .bodyHash: break
        case .bodyHashWithHeader: added.append(("X-Amz-Content-Sha256", bodyHash))
        case .unsigned: added.append(("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"))
        }
        let headers = request.headers + added
        let signedHeaders = Self.signedHeaderNames(headers)
        let scope = credentialScope(timestamp)
        let canonical = SigV4Canonical.canonicalRequest(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: headers,
            signedHeaders: signedHeaders,
            payloadHash: payload == .unsigned ? "UNSIGNED-PAYLOAD" : bodyHash
        )
        let stringToSign = SigV4Canonical.stringToSign(
            algorithm: algorithm, timestamp: timestamp.basic, credentialScope: scope, canonicalRequest: canonical
        )
        let authorization =
            "\(algorithm.rawValue) Credential=\(identity.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature(stringToSign, timestamp))"
        return added + [("Authorization", authorization)]
    }

    /// The query string of a presigned request: the request's own query followed by the `X-Amz-*` parameters
    /// and `X-Amz-Signature`. All of `request.headers` (bar hop-by-hop ones) are signed; it must include `Host`.
    public func presignedQuery(for request: SigV4Request, bodySHA256Hex: String?, now: Int, expires: Int = 3600)
        -> String
    {
        let timestamp = AmzTimestamp(epochSeconds: now)
        let signedHeaders = Self.signedHeaderNames(request.headers)
        let scope = credentialScope(timestamp)
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", algorithm.rawValue),
            ("X-Amz-Credential", "\(identity.accessKeyID)/\(scope)"),
            ("X-Amz-Date", timestamp.basic),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")),
        ]
        if let token = identity.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        if algorithm == .ecdsaP256SHA256 { parameters.append(("X-Amz-Region-Set", region)) }
        var encoded: [UInt8] = []
        if let query = request.query, !query.isEmpty {
            encoded.append(contentsOf: query.utf8)
            encoded.append(ASCII.ampersand)
        }
        for (index, (name, value)) in parameters.enumerated() {
            if index > 0 { encoded.append(ASCII.ampersand) }
            encoded += ByteWriter.collect(capacity: 3 * (name.utf8.count + value.utf8.count) + 1) { writer in
                UTF8Bytes.with(name) { URIEncoding.write($0, keepSlash: false, to: &writer) }
                writer.append(ASCII.equals)
                UTF8Bytes.with(value) { URIEncoding.write($0, keepSlash: false, to: &writer) }
            }
        }
        let query = String(decoding: encoded, as: UTF8.self)
        let canonical = SigV4Canonical.canonicalRequest(
            method: request.method,
            path: request.path,
            query: query,
            headers: request.headers,
            signedHeaders: signedHeaders,
            payloadHash: bodySHA256Hex ?? SigV4Canonical.emptyPayloadHash,
            presigned: true
        )
        let stringToSign = SigV4Canonical.stringToSign(
            algorithm: algorithm, timestamp: timestamp.basic, credentialScope: scope, canonicalRequest: canonical
        )
        return query + "&X-Amz-Signature=" + signature(stringToSign, timestamp)
    }

    /// `DATE/REGION/SERVICE/aws4_request`, or `DATE/SERVICE/aws4_request` for SigV4a.
    func credentialScope(_ timestamp: AmzTimestamp) -> String {
        algorithm == .hmacSHA256
            ? "\(timestamp.date)/\(region)/\(service)/aws4_request" : "\(timestamp.date)/\(service)/aws4_request"
    }

    private func signature(_ stringToSign: String, _ timestamp: AmzTimestamp) -> String {
        let bytes = Array(stringToSign.utf8)
        if let ecdsaKey {
            // Signing a valid digest with a valid key cannot fail.
            let signature = try! ecdsaKey.signature(for: SHA256.hash(data: bytes))
            return Hex.string(signature.derRepresentation)
        }
        let key = keyCache.signingKey(identity: identity, date: timestamp.date, region: region, service: service)
        return Hex.string(key.authenticationCode(bytes).bytes)
    }

    /// Lowercase, unique, sorted names of the headers to sign.
    static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> [String] {
        Set(headers.map { $0.name.lowercased() }).subtracting(unsignedHeaders).sorted {
            $0.utf8.lexicographicallyPrecedes($1.utf8)
        }
    }
}
