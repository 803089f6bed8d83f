import Foundation

/// An API's IAM resource policy, compiled once at load and evaluated per request.
///
/// Loading does all the expensive work (JSON, shorthand expansion, wildcard compilation, CIDR/date/number
/// parsing) and rejects anything not understood exactly, so `evaluate` is allocation-light pure matching and a
/// policy that loads is a policy that means what it says. Evaluation follows IAM: an explicit Deny wins,
/// then any Allow, else the implicit deny.
public struct ResourcePolicy: Sendable {
    /// The document's `Version`, when given.
    public let version: String?
    /// The document's `Id`, when given.
    public let id: String?
    /// Number of statements.
    public let statementCount: Int
    private let denies: [PolicyStatement]
    private let allows: [PolicyStatement]

    /// Compiles a policy for one API.
    /// - Parameters:
    ///   - region, accountID, apiID: the API the policy is attached to; `execute-api:/...` expands with them.
    /// - Throws: `PolicyError` naming the statement and JSON position of the first problem.
    public init(json: [UInt8], region: String, accountID: String, apiID: String) throws(PolicyError) {
        try self.init(document: try JSONParser.parse(json), region: region, accountID: accountID, apiID: apiID)
    }

    public init(json: String, region: String, accountID: String, apiID: String) throws(PolicyError) {
        try self.init(json: Array(json.utf8), region: region, accountID: accountID, apiID: apiID)
    }

    public init(json: Data, region: String, accountID: String, apiID: String) throws(PolicyError) {
        try self.init(json: [UInt8](json), region: region, accountID: accountID, apiID: apiID)
    }

    /// Compiles an already-parsed document (for example an inline policy mapping from the YAML configuration).
    public init(document: JSONValue, region: String, accountID: String, apiID: String) throws(PolicyError) {
        var parser = PolicyParser(region: region, accountID: accountID, apiID: apiID)
        let result = try parser.parse(document)
        version = result.version
        id = result.id
        statementCount = result.statements.count
        denies = result.statements.filter { $0.effect == .deny }
        allows = result.statements.filter { $0.effect == .allow }
    }

    /// Decides one request.
    /// - Parameters:
    ///   - principal: the caller's ARN from SigV4, or nil for an anonymous caller.
    ///   - action: the IAM action; always `execute-api:Invoke` for API calls.
    ///   - resource: the full resource ARN (see `ExecuteAPIARN.resource`).
    ///   - facts: the request context for conditions. When `facts.principalArn` is nil, `principal` is used for
    ///     `aws:PrincipalArn`/`aws:PrincipalAccount`.
    public func evaluate(
        principal: String?, action: String = "execute-api:Invoke", resource: String, facts: RequestFacts
    ) -> PolicyDecision {
        var facts = facts
        if facts.principalArn == nil { facts.principalArn = principal }
        for statement in denies
        where statement.applies(principal: principal, action: action, resource: resource, facts: facts) {
            return .explicitDeny(statement: statement.label)
        }
        for statement in allows
        where statement.applies(principal: principal, action: action, resource: resource, facts: facts) {
            return .allow(statement: statement.label)
        }
        return .implicitDeny
    }
}
