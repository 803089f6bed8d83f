@testable import SigV4

/// Requests signed by our signer for an `execute-api` gateway in us-east-1, to exercise each rejection path.
enum SigningFixture {
    static let accessKeyID = "AKIDGATEHOUSE"
    static let secret = "gatehouse/Secret+Key=="
    static let tokenKeyID = "ASIAGATEHOUSE"
    static let tokenSecret = "temporary/Secret+Key=="
    static let token = "session/Token+Value=="
    static let host = "a1b2c3.execute-api.us-east-1.amazonaws.com"
    /// 2015-08-30T12:36:00Z.
    static let signedAt = AmzTimestamp(basic: "20150830T123600Z")!.epochSeconds

    static let identities: [String: SigV4Identity] = [
        accessKeyID: SigV4Identity(
            accessKeyID: accessKeyID, secretAccessKey: secret, principalARN: "arn:aws:iam::1:user/a"),
        tokenKeyID: SigV4Identity(accessKeyID: tokenKeyID, secretAccessKey: tokenSecret, sessionToken: token),
    ]

    /// The gateway's form: identities in a table, found by the key id's bytes (the AWS suites and the botocore
    /// round trips use a lookup function, so both forms are covered).
    static func verifier(maxClockSkew: Int = 300, region: String = "us-east-1") -> SigV4Verifier {
        SigV4Verifier(
            region: region, maxClockSkew: maxClockSkew,
            identities: SigV4IdentityTable(identities.values.sorted { $0.accessKeyID < $1.accessKeyID }))
    }

    static func signer(
        keyID: String = accessKeyID,
        secret: String = secret,
        token: String? = nil,
        region: String = "us-east-1",
        service: String = "execute-api",
        algorithm: SigV4Algorithm = .hmacSHA256
    ) -> SigV4Signer {
        SigV4Signer(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: token,
            region: region,
            service: service,
            algorithm: algorithm
        )
    }

    static func unsigned(method: String = "GET", path: String = "/prod/items", query: String? = nil) -> SigV4Request {
        SigV4Request(method: method, path: path, query: query, headers: [("Host", host)])
    }

    /// A header-signed request.
    static func signed(
        _ request: SigV4Request = unsigned(),
        by signer: SigV4Signer = signer(),
        body: [UInt8] = [],
        payload: SigV4Signer.PayloadSigning = .bodyHash,
        at time: Int = signedAt
    ) -> SigV4Request {
        var request = request
        request.headers += signer.headersToAdd(
            for: request, bodySHA256Hex: SigV4Canonical.sha256Hex(body), now: time, payload: payload
        )
        return request
    }

    /// A presigned request.
    static func presigned(
        _ request: SigV4Request = unsigned(),
        by signer: SigV4Signer = signer(),
        expires: Int = 900,
        at time: Int = signedAt
    ) -> SigV4Request {
        var request = request
        request.query = signer.presignedQuery(for: request, bodySHA256Hex: nil, now: time, expires: expires)
        return request
    }

    static func replacingHeader(_ name: String, with value: String?, in request: SigV4Request) -> SigV4Request {
        var result = request
        result.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        if let value { result.headers.append((name, value)) }
        return result
    }
}
