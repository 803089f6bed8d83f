// Temporary interface stub so GatehouseCore compiles until the AccessPolicy branch lands; removed at merge.
import Foundation
import IPNetwork

public struct RequestFacts: Sendable {
    public var sourceIP: IPAddress?
    public var sourceVpce: String?
    public var sourceVpc: String?
    public var principalArn: String?
    public var principalAccount: String?
    public var principalTags: [String: String] = [:]
    public var now: Date = Date()
    public var secureTransport: Bool = true
    public var userAgent: String?
    public var clientCertSubject: String?
    public var clientCertURIs: [String] = []
    public var clientCertDNS: [String] = []
    public var clientCertSHA256: String?
    public var extra: [String: [String]] = [:]
    public init() {}
}

public enum PolicyDecision: Sendable, Equatable {
    case allow(statement: String)
    case explicitDeny(statement: String)
    case implicitDeny
}

public struct ResourcePolicy: Sendable {
    public init(json: String, region: String, accountID: String, apiID: String) throws {}
    public func evaluate(principal: String?, action: String = "execute-api:Invoke", resource: String, facts: RequestFacts)
        -> PolicyDecision
    { .implicitDeny }
}
