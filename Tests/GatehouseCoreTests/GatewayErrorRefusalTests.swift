import AccessPolicy
import Testing

@testable import GatehouseCore
@testable import SigV4

/// SigV4 failures and policy denials become the contract's errors in one place (`GatewayError+Refusals`).
@Suite struct GatewayErrorRefusalTests {
    @Test func sigV4FailuresMapToTheTableWithTheirTypeAndMessage() {
        let cases: [(SigV4Error, GatewayError)] = [
            (.missingAuthenticationToken, .missingAuthenticationToken),
            (.unrecognizedClient, .unrecognizedClient),
            (.signatureMismatch, .signatureMismatch),
            (
                .incomplete("Credential should be scoped to a valid region, not 'x'."),
                .incompleteSignature("Credential should be scoped to a valid region, not 'x'.")
            ),
            (SigV4Error(.signatureExpired, "Signature expired: a"), .invalidSignature("Signature expired: a")),
            (
                SigV4Error(.signatureNotYetCurrent, "Signature not yet current: b"),
                .invalidSignature("Signature not yet current: b")
            ),
        ]
        for (failure, expected) in cases {
            let mapped = GatewayError(failure)
            #expect(mapped == expected)
            #expect(mapped.status.code == 403)
            #expect(mapped.errorType == failure.errorType)
            #expect(mapped.message == failure.message)
            #expect(!mapped.closesConnection)
        }
    }

    @Test func policyDenialIsAccessDeniedAndAnAllowIsNoError() {
        let denied = PolicyCheck.Outcome(
            decision: .implicitDeny, resource: "arn", deniedMessage: "User: anonymous is not authorized")
        #expect(GatewayError(denied) == .accessDenied("User: anonymous is not authorized"))
        #expect(GatewayError(denied)?.errorType == "AccessDeniedException")
        let allowed = PolicyCheck.Outcome(decision: .allow(statement: "s"), resource: "arn", deniedMessage: nil)
        #expect(GatewayError(allowed) == nil)
    }
}
