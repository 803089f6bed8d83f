import AccessPolicy
import Foundation
import GatehouseConfig
import IPNetwork

/// `gatehouse policy simulate`: one request described on the command line, decided by the same `PolicyCheck`
/// and the same network selection as `serve`.
public struct PolicySimulation {
    public struct Request {
        public var apiID: String
        /// An ARN, or `anonymous`.
        public var principal: String
        public var method: String
        /// `/STAGE/PATH`, normalized as the gateway normalizes request paths.
        public var path: String
        public var sourceIP: String?
        public var clientURIs: [String]
        public var context: [String: [String]]

        public init(
            apiID: String, principal: String, method: String, path: String, sourceIP: String?, clientURIs: [String],
            context: [String: [String]]
        ) {
            self.apiID = apiID
            self.principal = principal
            self.method = method
            self.path = path
            self.sourceIP = sourceIP
            self.clientURIs = clientURIs
            self.context = context
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(configuration: GatewayConfiguration, snapshot: GatewaySnapshot, request: Request)
        throws(Failure) -> PolicyDecision
    {
        guard let api = configuration.apis.first(where: { $0.id == request.apiID }) else {
            throw Failure(description: "no API with id \"\(request.apiID)\" in \(configuration.file)")
        }
        guard let path = try? NormalizedPath(rawPath: Substring(request.path)), let stage = path.segments.first else {
            throw Failure(description: "--path must be /STAGE/PATH, got \"\(request.path)\"")
        }
        var sourceIP: IPAddress?
        if let text = request.sourceIP {
            guard let parsed = IPAddress(text) else {
                throw Failure(description: "--source-ip \"\(text)\" is not an IP address")
            }
            sourceIP = parsed
        }
        var principal: CallerPrincipal?
        if request.principal != "anonymous" {
            let identity = configuration.identities.first { $0.principal == request.principal }
            let parts = request.principal.split(separator: ":", omittingEmptySubsequences: false)
            let account = identity?.principalAccount ?? (parts.count > 4 && !parts[4].isEmpty ? String(parts[4]) : nil)
            principal = CallerPrincipal(
                accessKeyID: identity?.accessKeyID ?? "", arn: request.principal, account: account,
                tags: identity?.tags ?? [:])
        }
        guard let policy = snapshot.router.api(id: api.id)?.policy else {
            return .allow(statement: "no resource policy")
        }
        var subject = PolicyCheck.Subject(
            apiID: api.id, stage: stage, method: request.method.uppercased(),
            routePath: path.segments.dropFirst(),
            principal: principal, sourceIP: sourceIP, network: sourceIP.flatMap { snapshot.network(for: $0) },
            clientIdentity: nil, userAgent: nil, now: Date())
        subject.clientURIs = request.clientURIs
        subject.extra = request.context
        return PolicyCheck(region: snapshot.region, accountID: snapshot.accountID).evaluate(policy, subject: subject)
            .decision
    }
}
