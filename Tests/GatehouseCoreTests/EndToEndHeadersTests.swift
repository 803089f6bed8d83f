import NIOCore
import Testing

@testable import GatehouseCore

@Suite struct EndToEndHeadersTests {
    /// The names of the fields of an upstream head `forEachForwardedField` lets through, in order.
    private func copied(_ fields: [(String, String)], except reserved: [String] = []) throws -> [String] {
        let head = try ResponseFixture.head(fields)
        var output: [String] = []
        EndToEndHeaders.forEachForwardedField(of: head, except: HeaderNameSet(reserved)) {
            output.append(head.name($0))
        }
        return output
    }

    private func tokens(_ value: String) -> [String] {
        var seen: [String] = []
        Array(value.utf8).withUnsafeBytes { bytes in
            HTTPListElements.forEach(in: bytes) { seen.append(String(decoding: bytes[$0], as: UTF8.self)) }
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

    @Test func hopByHopAndReservedHeadersStop() throws {
        let input = [
            ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Upgrade", "h2c"),
            ("Proxy-Authorization", "x"), ("X-Amzn-RequestId", "upstream's"), ("Content-Type", "text/plain"),
        ]
        #expect(try copied(input, except: ["x-amzn-requestid"]) == ["Content-Type"])
    }

    /// RFC 9110 §7.6.1's hop-by-hop set plus `Proxy-Connection`, each in any case: none crosses.
    @Test(arguments: [
        "Connection", "Proxy-Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade", "Trailer",
        "connection", "PROXY-CONNECTION", "keep-alive", "te", "transfer-encoding", "UPGRADE", "trailer",
        "Proxy-Authenticate", "Proxy-Authorization",
    ])
    func everyHopByHopHeaderStops(_ name: String) throws {
        // A 204 is framed without a body, so any Transfer-Encoding value is read.
        #expect(try copied([(name, "chunked"), ("X-Kept", "1")]) == ["X-Kept"])
    }

    @Test func headersNamedInConnectionStopInAnyCaseAndPosition() throws {
        let input = [
            ("Connection", "keep-alive , X-Hop-One"), ("connection", "x-hop-two"), ("X-HOP-ONE", "1"),
            ("x-Hop-Two", "2"), ("X-Kept", "3"),
        ]
        #expect(try copied(input) == ["X-Kept"])
    }

    @Test func connectionCloseStopsAHeaderNamedClose() throws {
        // `close` is an option, but a field it names must still not cross (RFC 9110 §7.6.1).
        #expect(try copied([("Connection", "close"), ("Close", "x"), ("X-Kept", "1")]) == ["X-Kept"])
    }

    @Test func keepAliveAloneNamesNothingElse() throws {
        #expect(try copied([("Connection", "Keep-Alive"), ("Close", "x"), ("X-Kept", "1")]) == ["Close", "X-Kept"])
    }

    @Test func aConnectionHeaderListingNoNamesChangesNothing() throws {
        #expect(try copied([("Connection", " , "), ("X-Kept", "1"), ("X-Also", "2")]) == ["X-Kept", "X-Also"])
    }
}
