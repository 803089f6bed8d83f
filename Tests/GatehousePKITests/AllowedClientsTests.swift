import Foundation
import GatehouseBytes
import Testing
import X509

@testable import GatehousePKI

@Suite("allowed_clients")
struct AllowedClientsTests {
    let pki: TestPKI
    let orders: IssuedCertificate

    init() throws {
        self.pki = try TestPKI()
        self.orders = try self.pki.root.issueLeaf(
            LeafProfile(
                commonName: "orders",
                organizationalUnit: "svc",
                dnsNames: ["orders.svc.internal"],
                uris: ["spiffe://corp.internal/ns/prod/sa/orders"]
            ),
            now: self.pki.now
        )
    }

    func verdict(_ patterns: [String]) async throws -> String {
        let result = try await self.pki.policy(allowed: patterns).verify(
            chainDER: try self.orders.chainDER(),
            now: self.pki.now
        )
        return result.failureReason ?? "ok"
    }

    @Test(arguments: [
        "spiffe://corp.internal/ns/prod/*",
        "spiffe://corp.internal/ns/prod/sa/orders",
        "spiffe://*/sa/orders",
        "*",
        "orders.svc.internal",
        "ORDERS.svc.internal",
        "*.svc.internal",
        "CN=orders",
        "CN=orders,OU=svc",
        "OU=svc, CN=orders",
        "ou=svc+cn=orders",
        "2.5.4.3=orders",
        "CN=ord*",
    ])
    func matches(_ pattern: String) async throws {
        #expect(try await self.verdict([pattern]) == "ok")
    }

    @Test(arguments: [
        "spiffe://corp.internal/ns/staging/*",
        "spiffe://corp.internal/ns/prod",
        "SPIFFE://corp.internal/ns/prod/*",
        "spiffe://corp.internal/ns/prod/sa/orders/x",
        "payments.svc.internal",
        "*.other.internal",
        "CN=payments",
        "CN=orders,OU=ops",
        "CN=orders,O=Corp",
        "cn=ORDERS",
        "CN=order",
    ])
    func doesNotMatch(_ pattern: String) async throws {
        #expect(try await self.verdict([pattern]) == "not_allowed")
    }

    @Test func anyPatternOfTheListSuffices() async throws {
        #expect(try await self.verdict(["CN=payments", "spiffe://corp.internal/ns/prod/*"]) == "ok")
        #expect(try await self.verdict([]) == "ok")
    }

    @Test func notAllowedComesAfterTrustChecks() async throws {
        let other = try CertificateAuthority.makeRoot(now: self.pki.now)
        let stranger = try other.issueLeaf(.client("orders"), now: self.pki.now)
        let result = try await self.pki.policy(allowed: ["CN=orders"]).verify(
            chainDER: try stranger.chainDER(),
            now: self.pki.now
        )
        #expect(result.failureReason == "untrusted")
    }

    @Test(arguments: ["", "  ", "XX=orders", "CN=orders,", "CN=a\\", "1..2=a"])
    func rejectsBadPatterns(_ pattern: String) {
        #expect(throws: PKIError.self) { try AllowedClientPattern(pattern) }
    }

    @Test func escapesInDistinguishedNamePatterns() throws {
        let pattern = try AllowedClientPattern("CN=a\\,b\\*")
        let subject = try DistinguishedName { CommonName("a,b*") }
        #expect(pattern.matches(subject: subject, uris: [], dnsNames: []))
        let other = try DistinguishedName { CommonName("a,bc") }
        #expect(!pattern.matches(subject: other, uris: [], dnsNames: []))
    }

    @Test func globMatching() {
        #expect(WildcardPattern("a*b*c", questionMark: false).matches("a__b__c"))
        #expect(WildcardPattern("a*b*c", questionMark: false).matches("abc"))
        #expect(!WildcardPattern("a*b*c", questionMark: false).matches("a__b__"))
        #expect(WildcardPattern("**", questionMark: false).matches(""))
        #expect(!WildcardPattern("abc", questionMark: false).matches("abcd"))
        #expect(WildcardPattern("*x", questionMark: false).matches("xxxx"))
    }
}
