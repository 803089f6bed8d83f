import AccessPolicy
import Foundation
import IPNetwork

/// The resource-policy JSON parser and evaluator. An input is a policy document; one that parses is evaluated
/// for a few requests (anonymous and signed callers, several methods and paths, condition keys set).
///
/// Properties: parsing either refuses or yields a policy whose evaluation terminates (within the slow-input
/// budget) and is deterministic; a document without the word `Allow` anywhere (and no `\u` escape that could
/// spell it) never allows.
enum PolicyFuzzTarget {
    static let target = FuzzTarget(name: "policy", maximumLength: 8192, run: run)

    static let region = "us-east-1"
    static let accountID = "123456789012"
    static let apiID = "a1b2c3d4e5"

    /// The product calls, kept to these lines so a change of the policy API is adapted here alone.
    static func parse(_ json: [UInt8]) -> ResourcePolicy? {
        try? ResourcePolicy(json: json, region: region, accountID: accountID, apiID: apiID)
    }

    static func decide(_ policy: ResourcePolicy, _ request: Request) -> PolicyDecision {
        let resource = ExecuteAPIARN.resource(
            region: region, accountID: accountID, apiID: apiID, stage: "prod", method: request.method,
            path: request.path)
        return policy.evaluate(principal: request.principal, resource: resource, facts: request.facts)
    }

    struct Request: Sendable {
        let principal: String?
        let method: String
        let path: String
        let facts: RequestFacts
    }

    static let requests: [Request] = [
        Request(principal: nil, method: "GET", path: "/orders/42", facts: RequestFacts(now: fixedNow)),
        Request(
            principal: "arn:aws:iam::123456789012:user/alice", method: "POST", path: "/orders",
            facts: RequestFacts(
                sourceIP: IPAddress("10.1.2.3"), sourceVpce: "vpce-0123456789abcdef0",
                principalTags: ["team": "orders"], now: fixedNow, userAgent: "aws-cli/2",
                clientCertSubject: "CN=orders,OU=svc", clientCertURIs: ["spiffe://example.org/orders"],
                clientCertDNS: ["orders.internal"])),
        Request(
            principal: "arn:aws:iam::210987654321:role/batch", method: "DELETE", path: "/admin/users/a%2Fb",
            facts: RequestFacts(sourceIP: IPAddress("2001:db8::1"), now: fixedNow, secureTransport: false)),
    ]

    static let fixedNow = Date(timeIntervalSince1970: 1_767_225_600)

    static func run(_ input: [UInt8]) {
        guard let policy = parse(input) else { return }
        let mayAllow = containsAllow(input)
        for request in requests {
            let decision = decide(policy, request)
            FuzzCheck.require(decide(policy, request) == decision, "two evaluations disagree: \(decision)")
            FuzzCheck.require(mayAllow || !decision.isAllowed, "allowed by a policy without Allow: \(decision)")
        }
    }

    /// Whether the text holds `Allow` or a JSON escape that could spell it.
    private static func containsAllow(_ input: [UInt8]) -> Bool {
        let allow = Array("Allow".utf8)
        guard input.count >= allow.count else { return false }
        for start in 0...(input.count - allow.count) {
            if input[start..<(start + allow.count)].elementsEqual(allow) { return true }
            if input[start] == UInt8(ascii: "\\") { return true }
        }
        return input.suffix(allow.count).contains(UInt8(ascii: "\\"))
    }
}
