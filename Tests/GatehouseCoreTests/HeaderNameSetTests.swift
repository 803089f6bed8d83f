import Testing

@testable import GatehouseCore

@Suite struct HeaderNameSetTests {
    private let set = HeaderNameSet(["connection", "TE", "x-forwarded-for", "keep-alive", "x-amzn-requestid"])

    @Test func matchesAnyCaseOfAMember() {
        for name in [
            "connection", "Connection", "CONNECTION", "te", "Te", "X-Forwarded-For", "Keep-Alive",
            "x-amzn-RequestId",
        ] {
            #expect(set.contains(name), "\(name)")
        }
    }

    @Test func rejectsNonMembersOfEveryLength() {
        for name in [
            "", "t", "tf", "connectioN2", "connectio", "x-forwarded-fo", "x-forwarded-host", "content-type",
            "keep_alive", "Keep-Alivf", "ünïcode", String(repeating: "a", count: 200),
        ] {
            #expect(!set.contains(name), "\(name)")
        }
    }

    @Test func caseFoldingIsASCIIOnly() {
        // Only A-Z fold: '@' (0x40) | 0x20 is '`' (0x60), which must not make "@e" match "`e"-like names, and a
        // byte that is not a letter never matches a letter.
        let punctuation = HeaderNameSet(["`e"])
        #expect(!punctuation.contains("@e"))
        #expect(!set.contains("\u{0}e"))
        #expect(!set.contains("TÉ"))
    }
}
