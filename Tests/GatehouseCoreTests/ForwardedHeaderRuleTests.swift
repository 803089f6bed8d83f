import Testing

@testable import GatehouseCore

@Suite struct ForwardedHeaderRuleTests {
    private let byDefault = ForwardedHeaderRule()
    private let keepingUnderscores = ForwardedHeaderRule(forwardsUnderscoreNames: true)

    /// Look-alikes of Gatehouse's own headers (`_` for `-`, any case) and override headers: dropped whatever the
    /// configuration says.
    @Test(arguments: [
        "X-Forwarded-For", "x-forwarded-for", "X_Forwarded_For", "x_forwarded-for", "X-FORWARDED_FOR",
        "X_Forwarded_Proto", "X_Forwarded_Host", "X_Forwarded_Client_Cert", "x-forwarded-client_cert",
        "X_Gatehouse_Principal", "X-GATEHOUSE-PRINCIPAL", "X_Gatehouse_Source_Vpce", "X_Request_Id", "x-request_id",
        "Forwarded", "X_Real_IP",
        // anything X-Gatehouse-*, present or future
        "X-Gatehouse-Anything", "x_gatehouse_tenant", "X-Gatehouse_", "X-GATEHOUSE-",
        // method and URL overrides
        "X-HTTP-Method-Override", "x-http-method-override", "X_HTTP_Method_Override", "X-HTTP-Method",
        "X_Http_Method", "X-Method-Override", "x_method_override", "X-Original-URL", "X_Original_URL",
        "X-Rewrite-URL", "x_rewrite_url",
    ])
    func dropsLookAlikesAndOverrides(_ name: String) {
        #expect(!byDefault.forwards(name.utf8))
        #expect(!keepingUnderscores.forwards(name.utf8))
    }

    /// Every other name holding `_` is dropped by default (as nginx) and forwarded with the option.
    @Test(arguments: ["X_Custom", "x_trace_id", "_", "a_", "Accept_Language", "X-Amz-Meta_Thing"])
    func underscoreNamesFollowTheOption(_ name: String) {
        #expect(!byDefault.forwards(name.utf8))
        #expect(keepingUnderscores.forwards(name.utf8))
    }

    /// Ordinary names, and names that only resemble Gatehouse's own, pass.
    @Test(arguments: [
        "Accept", "Content-Type", "X-Custom", "X-Forwarded", "X-Forwarded-For2", "X-Forwarded-Port",
        "X-Gatehouse", "X-Gatehousex-Principal", "X-Request", "X-Request-Ids", "X-HTTP-Methods", "X-Original",
        "Upgrade-Insecure-Requests", "X-Amz-Date",
    ])
    func ordinaryNamesPass(_ name: String) {
        #expect(byDefault.forwards(name.utf8))
        #expect(keepingUnderscores.forwards(name.utf8))
    }

    /// The predicate reads bytes, whatever holds them (the request decoder may hand it a buffer slice).
    @Test func judgesAnyByteCollection() {
        #expect(!byDefault.forwards(Array("X_Gatehouse_Principal".utf8)))
        #expect(byDefault.forwards(Array("Accept".utf8)[...]))
        #expect(byDefault.forwards([UInt8]()))
    }
}
