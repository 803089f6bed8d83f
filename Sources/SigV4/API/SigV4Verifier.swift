import GatehouseBytes

/// Verifies AWS Signature V4 and V4a requests as API Gateway does for `execute-api` (contract §3), in two phases:
/// `begin` before the body (so a missing, malformed, unknown-key, expired request is refused without reading it)
/// and `PendingVerification.finish` after the body has been hashed as it streamed.
public struct SigV4Verifier: Sendable {
    /// The longest lifetime AWS allows for a presigned URL: one week.
    public static let maxPresignedExpiry = 604_800

    public let region: String
    public let service: String
    public let maxClockSkew: Int
    /// False only to reproduce the S3-style unnormalized cases of the AWS test suites.
    public let normalizePath: Bool
    /// Where identities come from: a table read by the key id's bytes, or one that asks a caller's function.
    private let identities: SigV4IdentityTable
    private let keyCache: SigV4KeyCache

    /// - Parameters:
    ///   - region: the gateway's region; v4 scopes must name it, v4a region sets must include it.
    ///   - service: the credential-scope service, `execute-api` for API Gateway.
    ///   - maxClockSkew: how far (seconds) `X-Amz-Date` may be from now, either way.
    ///   - keyCache: derived-key cache; pass the previous verifier's cache across configuration reloads.
    ///   - lookup: the identity for an access key id, or nil when unknown.
    public init(
        region: String,
        service: String = "execute-api",
        maxClockSkew: Int = 300,
        normalizePath: Bool = true,
        keyCache: SigV4KeyCache = SigV4KeyCache(),
        lookup: @escaping @Sendable (String) -> SigV4Identity?
    ) {
        self.init(
            region: region, service: service, maxClockSkew: maxClockSkew, normalizePath: normalizePath,
            keyCache: keyCache, identities: SigV4IdentityTable(lookup: lookup))
    }

    /// A verifier whose identities are a table: the one a gateway builds per configuration. A verified request's key
    /// id is looked up by its bytes, and the signing key of the day is kept with the identity, so a warm verification
    /// makes one lookup and no `String` for the key id (`VerifiedCaller.identityIndex` says which identity signed).
    public init(
        region: String,
        service: String = "execute-api",
        maxClockSkew: Int = 300,
        normalizePath: Bool = true,
        keyCache: SigV4KeyCache = SigV4KeyCache(),
        identities: SigV4IdentityTable
    ) {
        self.region = region
        self.service = service
        self.maxClockSkew = maxClockSkew
        self.normalizePath = normalizePath
        self.keyCache = keyCache
        self.identities = identities
    }

    /// Phase 1, before the body: parses the signature, finds the identity, checks the session token, the scope,
    /// the date against `now` (epoch seconds) and a presigned URL's expiry.
    public func begin(_ request: SigV4Request, now: Int) -> Result<PendingVerification, SigV4Error> {
        do {
            return .success(try prepare(request, now: now))
        } catch {
            return .failure(error)
        }
    }

    /// Both phases for a body already in memory (tests, tools, small requests).
    public func verify(_ request: SigV4Request, bodySHA256Hex: String?, now: Int) -> Result<VerifiedCaller, SigV4Error>
    {
        begin(request, now: now).flatMap { $0.finish(bodySHA256Hex: bodySHA256Hex) }
    }

    private func prepare(_ request: SigV4Request, now: Int) throws(SigV4Error) -> PendingVerification {
        let known = KnownHeaders(request.fields)
        let query = RawQuery(request.query)
        if known.authorizationCount > 1 {
            throw .incomplete("Only one Authorization header is allowed.")
        }
        let presigned = query.contains("X-Amz-Signature")
        let fields: SignatureFields
        switch (known.authorization, presigned) {
        case (nil, false):
            throw .missingAuthenticationToken
        case (.some, true):
            throw .incomplete(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
                    + "parameter or the Authorization header should be specified."
            )
        case (.some(let index), false):
            // A lent ASCII value (the gateway's, nearly always) is parsed in place; anything else as text, as always.
            if let value = request.fields.borrowedValue(index), !SWAR.containsNonASCII(value) {
                fields = try AuthorizationParser.parseHeader(borrowing: value)
            } else {
                fields = try AuthorizationParser.parseHeader(request.fields.value(index))
            }
        case (nil, true):
            fields = try AuthorizationParser.parseQuery(query)
        }

        let scope = try CredentialScope(
            fields.credential, algorithm: fields.algorithm, region: region, service: service)
        guard fields.signedHeaders.signsHost else {
            throw .incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let timestamp = try requestTimestamp(
            request, known: known, presigned: fields.presigned, queryDate: fields.queryDate)
        guard scope.date.equals(timestamp.date) else {
            throw .incomplete(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'\(scope.date)' != '\(timestamp.date)', from '\(timestamp.basic)'."
            )
        }
        let expires = fields.presigned ? try presignedExpiry(fields.expires) : nil
        if fields.algorithm == .ecdsaP256SHA256 {
            try checkRegionSet(
                request, known: known, query: query, presigned: fields.presigned,
                signsRegionSet: fields.signedHeaders.signsRegionSet)
        }

        // One reference for the identity from here on: its fields are read where needed, never copied whole.
        guard let entry = scope.accessKeyID.withBytes(identities.entry(for:)) else { throw .unrecognizedClient }
        let headerToken = known.securityToken.map { request.fields.value($0) }
        let token = fields.presigned ? (query.value(named: "X-Amz-Security-Token") ?? headerToken) : headerToken
        switch (entry.identity.sessionToken, token) {
        case (nil, nil): break
        case (.some(let expected), .some(let sent))
        where UTF8Bytes.with(expected, { left in UTF8Bytes.with(sent) { ConstantTime.equals(left, $0) } }):
            break
        default: throw .unrecognizedClient
        }

        try checkTime(timestamp, expires: expires, now: now)
        let payload = try declaredPayload(request, known: known)

        // The canonical request prefix, then the string-to-sign prefix, in one buffer sized once.
        let capacity =
            CanonicalRequestBuilder.prefixCapacity(
                method: request.method, path: request.path, query: query, fields: request.fields,
                signedHeaderBytes: fields.signedHeaders.text.count
            ) + 48 + scope.scope.count + fields.signature.count
        var canonicalPrefixCount = 0
        var stringToSignPrefixEnd = 0
        let prefixes = ByteWriter.collect(capacity: capacity) { out in
            fields.signedHeaders.text.withBytes { signedHeaders in
                CanonicalRequestBuilder.writePrefix(
                    method: request.method,
                    path: request.path,
                    query: query,
                    excludeSignature: fields.presigned,
                    fields: request.fields,
                    signedHeaders: signedHeaders,
                    lowercaseNames: true,
                    normalizePath: normalizePath,
                    to: &out
                )
            }
            canonicalPrefixCount = out.count
            timestamp.withBasic { basic in
                SigV4Canonical.writeStringToSignPrefix(
                    algorithm: fields.algorithm, timestamp: basic, scope: scope.scope, to: &out)
            }
            stringToSignPrefixEnd = out.count
            // The signature as sent, kept in the same buffer: the parsed fields may point into lent bytes.
            fields.signature.withBytes { out.append($0) }
        }
        let key: PendingVerification.Key
        switch fields.algorithm {
        case .hmacSHA256:
            key = .hmac(signingKey(entry, date: scope.date))
        case .ecdsaP256SHA256:
            key = .ecdsa(keyCache.publicKey(identity: entry.identity))
        }
        let caller = VerifiedCaller(
            identity: entry,
            algorithm: fields.algorithm,
            presigned: fields.presigned,
            usedSessionToken: token != nil,
            signedAt: timestamp.epochSeconds
        )
        return PendingVerification(
            prefixes: prefixes,
            canonicalPrefixCount: canonicalPrefixCount,
            stringToSignPrefixEnd: stringToSignPrefixEnd,
            payload: payload,
            key: key,
            caller: caller
        )
    }

    /// The signing key of `date` (checked `yyyyMMdd`): the one kept with the table's entry when it is that day's, else
    /// the key cache's (derived on a miss), then kept with the entry.
    private func signingKey(_ entry: SigV4IdentityTable.Entry, date: TextSlice) -> SigningKey {
        let day = SigV4KeyCache.day(date)
        guard entry.index != nil, day >= 0 else {
            return keyCache.signingKey(identity: entry.identity, date: date, region: region, service: service)
        }
        if let kept = entry.signingKey(day: day, region: region, service: service) { return kept }
        let key = keyCache.signingKey(identity: entry.identity, date: date, region: region, service: service)
        entry.keep(key, day: day, region: region, service: service)
        return key
    }

    /// `X-Amz-Date` (query for presigned, else header), or the HTTP `Date` header.
    /// Takes the two parts of `SignatureFields` it reads rather than the whole value, which would be copied.
    private func requestTimestamp(_ request: SigV4Request, known: KnownHeaders, presigned: Bool, queryDate: String?)
        throws(SigV4Error) -> AmzTimestamp
    {
        if presigned, let queryDate {
            guard let timestamp = AmzTimestamp(basic: queryDate) else { throw Self.malformedDate(queryDate) }
            return timestamp
        }
        if !presigned, let index = known.amzDate {
            // Read in place: the value is wanted as text only when it is malformed.
            guard let timestamp = request.fields.withValue(index, { AmzTimestamp(basic: $0) }) else {
                throw Self.malformedDate(request.fields.value(index))
            }
            return timestamp
        }
        guard let date = known.date.map({ request.fields.value($0) }) else {
            throw .incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard let timestamp = AmzTimestamp(httpDate: date) else {
            throw .incomplete("Date header must be in RFC 1123 form, e.g. 'Sun, 30 Aug 2015 12:36:00 GMT'.")
        }
        return timestamp
    }

    private static func malformedDate(_ text: String) -> SigV4Error {
        .incomplete("Date must be in ISO-8601 'basic format'. Got '\(text)'. See http://en.wikipedia.org/wiki/ISO_8601")
    }

    private func presignedExpiry(_ expires: String?) throws(SigV4Error) -> Int? {
        guard let text = expires else { return nil }
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let expires = Int(text)
        else {
            throw .incomplete("X-Amz-Expires should be a number of seconds.")
        }
        guard expires <= Self.maxPresignedExpiry else {
            throw .incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800.")
        }
        return expires
    }

    private func checkTime(_ timestamp: AmzTimestamp, expires: Int?, now: Int) throws(SigV4Error) {
        let signedAt = timestamp.epochSeconds
        if signedAt > now + maxClockSkew {
            throw .notYetCurrent(date: timestamp.basic, limit: now + maxClockSkew, now: now, window: maxClockSkew)
        }
        if let expires {
            if now > signedAt + expires {
                throw .expired(date: timestamp.basic, limit: now - expires, now: now, window: expires)
            }
        } else if signedAt < now - maxClockSkew {
            throw .expired(date: timestamp.basic, limit: now - maxClockSkew, now: now, window: maxClockSkew)
        }
    }

    /// SigV4a: the region set (a signed header, or a query parameter when presigned) must include our region.
    private func checkRegionSet(
        _ request: SigV4Request, known: KnownHeaders, query: RawQuery, presigned: Bool, signsRegionSet: Bool
    ) throws(SigV4Error) {
        let regionSet: String?
        if presigned {
            regionSet = query.value(named: "X-Amz-Region-Set")
        } else {
            regionSet = signsRegionSet ? known.regionSet.map { request.fields.value($0) } : nil
        }
        guard let regionSet else {
            throw .incomplete(
                presigned
                    ? "AWS query-string parameters must include 'X-Amz-Region-Set'. Re-examine the query-string parameters."
                    : "SigV4a requires a signed 'X-Amz-Region-Set' header."
            )
        }
        guard RegionSet.includes(regionSet, region: region) else {
            throw .incomplete(
                "The region set '\(RegionSet.echoed(regionSet))' does not include the region '\(region)'.")
        }
    }

    /// `X-Amz-Content-Sha256`: `UNSIGNED-PAYLOAD`, a hex SHA-256 that must match the body, or absent.
    private func declaredPayload(_ request: SigV4Request, known: KnownHeaders) throws(SigV4Error)
        -> PendingVerification.Payload
    {
        guard let index = known.contentSHA256 else { return .bodyHash }
        let value = ASCII.trimmed(TextSlice(request.fields.value(index)))
        if value.equals("UNSIGNED-PAYLOAD") { return .unsigned }
        guard value.withBytes({ Hex.isLowercase($0, count: 64) }) else {
            throw .incomplete("x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the lowercase hex SHA-256 of the body.")
        }
        return .declared(value)
    }
}
