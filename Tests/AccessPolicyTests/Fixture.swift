import Foundation
import IPNetwork
import Testing

@testable import AccessPolicy

/// The API every test policy is attached to, and helpers to build and evaluate policies concisely.
enum Fixture {
    static let region = "us-east-1"
    static let account = "123456789012"
    static let apiID = "a1b2c3d4e5"
    static let alice = "arn:aws:iam::123456789012:user/alice"
    static let bob = "arn:aws:iam::123456789012:user/bob"
    static let foreignRole = "arn:aws:iam::111122223333:role/developer"
    /// 2026-11-28T12:00:00Z
    static let noon = Date(timeIntervalSince1970: 1_795_867_200)

    static func resource(stage: String = "prod", method: String = "GET", path: String = "/users/42") -> String {
        ExecuteAPIARN.resource(
            region: region, accountID: account, apiID: apiID, stage: stage, method: method,
            path: path)
    }

    static func policy(_ json: String) throws -> ResourcePolicy {
        try ResourcePolicy(json: json, region: region, accountID: account, apiID: apiID)
    }

    /// The error a policy fails to load with (records a test failure when it loads).
    static func loadError(_ json: String) -> PolicyError? {
        #expect(throws: PolicyError.self) { try policy(json) }
    }

    /// A one-statement Allow policy guarded by `condition` (a JSON object text).
    static func conditionPolicy(_ condition: String, version: String = "2012-10-17") throws -> ResourcePolicy {
        try policy(
            """
            {"Version": "\(version)", "Statement": [{"Sid": "C", "Effect": "Allow", "Principal": "*",
              "Action": "execute-api:Invoke", "Resource": "execute-api:/*", "Condition": \(condition)}]}
            """)
    }

    /// Whether `condition` holds for a request with `facts`.
    static func holds(_ condition: String, _ facts: RequestFacts) throws -> Bool {
        try conditionPolicy(condition).evaluate(principal: facts.principalArn, resource: resource(), facts: facts)
            .isAllowed
    }

    static func facts(
        ip: String? = nil, vpce: String? = nil, vpc: String? = nil, principal: String? = nil,
        tags: [String: String] = [:], now: Date = noon, secure: Bool = true, userAgent: String? = nil,
        uris: [String] = [], dns: [String] = [], extra: [String: [String]] = [:]
    ) -> RequestFacts {
        RequestFacts(
            sourceIP: ip.flatMap { IPAddress($0) }, sourceVpce: vpce, sourceVpc: vpc, principalArn: principal,
            principalTags: tags, now: now, secureTransport: secure, userAgent: userAgent, clientCertURIs: uris,
            clientCertDNS: dns, extra: extra)
    }
}
