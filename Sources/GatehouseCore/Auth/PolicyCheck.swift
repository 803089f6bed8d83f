import AccessPolicy
import Foundation
import GatehouseConfig
import GatehousePKI
import IPNetwork

/// Gate 6 as one function, shared by `serve` (per request) and `gatehouse policy simulate`, so a simulation
/// answers exactly as the gateway would: same resource ARN, same context keys, same network choice.
public struct PolicyCheck: Sendable {
    /// The request as the policy sees it.
    public struct Subject: Sendable {
        public var apiID: String
        public var stage: String
        public var method: String
        /// Decoded, normalized path segments after the stage.
        public var routePath: ArraySlice<String>
        public var principal: CallerPrincipal?
        public var sourceIP: IPAddress?
        public var network: SourceNetwork?
        public var clientIdentity: ClientIdentity?
        /// Client-certificate URIs when there is no full identity (simulate's `--client-uri`).
        public var clientURIs: [String] = []
        public var userAgent: String?
        public var now: Date
        public var extra: [String: [String]] = [:]

        public init(
            apiID: String, stage: String, method: String, routePath: ArraySlice<String>, principal: CallerPrincipal?,
            sourceIP: IPAddress?, network: SourceNetwork?, clientIdentity: ClientIdentity?, userAgent: String?,
            now: Date
        ) {
            self.apiID = apiID
            self.stage = stage
            self.method = method
            self.routePath = routePath
            self.principal = principal
            self.sourceIP = sourceIP
            self.network = network
            self.clientIdentity = clientIdentity
            self.userAgent = userAgent
            self.now = now
        }
    }

    public struct Outcome: Sendable {
        public let decision: PolicyDecision
        public let resource: String
        /// The contract's AccessDeniedException message when denied.
        public let deniedMessage: String?
    }

    public let region: String
    public let accountID: String

    public init(region: String, accountID: String) {
        self.region = region
        self.accountID = accountID
    }

    public func evaluate(_ policy: ResourcePolicy, subject: Subject) -> Outcome {
        let resource = ExecuteAPIARN.resource(
            region: region, accountID: accountID, apiID: subject.apiID, stage: subject.stage, method: subject.method,
            path: subject.routePath.joined(separator: "/"))
        var facts = RequestFacts()
        facts.sourceIP = subject.sourceIP
        facts.sourceVpce = subject.network?.id
        facts.sourceVpc = subject.network?.vpc
        facts.principalArn = subject.principal?.arn
        facts.principalAccount = subject.principal?.account
        facts.principalTags = subject.principal?.tags ?? [:]
        facts.now = subject.now
        facts.secureTransport = true
        facts.userAgent = subject.userAgent
        facts.clientCertURIs = subject.clientURIs
        if let identity = subject.clientIdentity {
            facts.clientCertSubject = identity.subject
            facts.clientCertURIs = identity.uris
            facts.clientCertDNS = identity.dnsNames
            facts.clientCertSHA256 = identity.sha256Hex
        }
        facts.extra = subject.extra
        let decision = policy.evaluate(principal: subject.principal?.arn, resource: resource, facts: facts)
        let message =
            decision.isAllowed
            ? nil : AccessDeniedMessage.text(principal: subject.principal?.arn, resource: resource, decision: decision)
        return Outcome(decision: decision, resource: resource, deniedMessage: message)
    }
}
