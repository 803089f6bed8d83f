import NIOHTTP1
import Testing

@testable import GatehouseCore

@Suite struct EndToEndHeadersTests {
    private func copied(_ input: HTTPHeaders, except reserved: [String] = []) -> [String] {
        var output: [String] = []
        EndToEndHeaders.forEach(input, except: HeaderNameSet(reserved)) { name, _ in output.append(name) }
        return output
    }

    private func tokens(_ value: String) -> [String] {
        var seen: [String] = []
        _ = EndToEndHeaders.anyToken(of: value) { token in
            seen.append(String(decoding: token, as: UTF8.self))
            return false
        }
        return seen
    }

    @Test func listElementsAreTrimmedAndEmptyOnesSkipped() {
        #expect(tokens("a") == ["a"])
        #expect(tokens(" a ,\tb\t, ,,c") == ["a", "b", "c"])
        #expect(tokens("") == [])
        #expect(tokens(" , ,") == [])
        #expect(tokens("x-one,x-two") == ["x-one", "x-two"])
    }

    @Test func anyTokenStopsAtTheFirstMatch() {
        var calls = 0
        let found = EndToEndHeaders.anyToken(of: "a, b, c") { token in
            calls += 1
            return token.elementsEqual("b".utf8)
        }
        #expect(found)
        #expect(calls == 2)
    }

    @Test func hopByHopAndReservedHeadersStop() {
        let input: HTTPHeaders = [
            "Connection": "keep-alive", "Keep-Alive": "timeout=5", "TE": "trailers", "Upgrade": "h2c",
            "Proxy-Authorization": "x", "X-Amzn-RequestId": "upstream's", "Content-Type": "text/plain",
        ]
        #expect(copied(input, except: ["x-amzn-requestid"]) == ["Content-Type"])
    }

    /// RFC 9110 §7.6.1's hop-by-hop set plus `Proxy-Connection`, each in any case: none crosses.
    @Test(arguments: [
        "Connection", "Proxy-Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade", "Trailer",
        "connection", "PROXY-CONNECTION", "keep-alive", "te", "transfer-encoding", "UPGRADE", "trailer",
        "Proxy-Authenticate", "Proxy-Authorization",
    ])
    func everyHopByHopHeaderStops(_ name: String) {
        let input: HTTPHeaders = [name: "x", "X-Kept": "1"]
        #expect(copied(input) == ["X-Kept"])
    }

    @Test func headersNamedInConnectionStopInAnyCaseAndPosition() {
        let input: HTTPHeaders = [
            "Connection": "keep-alive , X-Hop-One", "connection": "x-hop-two", "X-HOP-ONE": "1", "x-Hop-Two": "2",
            "X-Kept": "3",
        ]
        #expect(copied(input) == ["X-Kept"])
    }

    @Test func connectionCloseStopsAHeaderNamedClose() {
        // `close` is an option, but a field it names must still not cross (RFC 9110 §7.6.1).
        let input: HTTPHeaders = ["Connection": "close", "Close": "x", "X-Kept": "1"]
        #expect(copied(input) == ["X-Kept"])
    }

    @Test func keepAliveAloneNamesNothingElse() {
        let input: HTTPHeaders = ["Connection": "Keep-Alive", "Close": "x", "X-Kept": "1"]
        #expect(copied(input) == ["Close", "X-Kept"])
    }

    @Test func aConnectionHeaderListingNoNamesChangesNothing() {
        let input: HTTPHeaders = ["Connection": " , ", "X-Kept": "1", "X-Also": "2"]
        #expect(copied(input) == ["X-Kept", "X-Also"])
    }
}
