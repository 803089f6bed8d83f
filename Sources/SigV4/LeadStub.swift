// Temporary interface stub so GatehouseCore compiles until the SigV4 branch lands; removed at merge.
import Foundation

public struct SigV4Request: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var headers: [(name: String, value: String)]
    public init(method: String, path: String, query: String?, headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }
}

public struct SigV4Identity: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String?) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

public struct SigV4Error: Error, Sendable {
    public var errorType: String
    public var message: String
}

public struct SigV4VerifiedCaller: Sendable {
    public var accessKeyID: String
}

public struct PendingVerification: Sendable {
    public var needsBodyHash: Bool
    public func finish(bodySHA256Hex: String?) -> Result<SigV4VerifiedCaller, SigV4Error> {
        .failure(SigV4Error(errorType: "InvalidSignatureException", message: "stub"))
    }
}

public struct SigV4Verifier: Sendable {
    public init(region: String, service: String = "execute-api", maxClockSkew: Int = 300,
        lookup: @escaping @Sendable (String) -> SigV4Identity?) {}
    public func begin(_ request: SigV4Request, now: Date) -> Result<PendingVerification, SigV4Error> {
        .failure(SigV4Error(errorType: "MissingAuthenticationTokenException", message: "Missing Authentication Token"))
    }
}
