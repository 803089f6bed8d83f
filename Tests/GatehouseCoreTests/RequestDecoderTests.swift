import Testing

@testable import GatehouseCore

/// Whole request streams: pipelined requests in one buffer, bodies of both framings, `Upgrade` read as an ordinary
/// request, and the same parts whatever the size of the reads.
@Suite struct RequestDecoderTests {
    static let pipelined =
        "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
        + "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        + "PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n"
        + "\r\nGET /d HTTP/1.0\r\n\r\n"

    static let pipelinedParts = [
        "head GET /a 1.1 [Host=a] none", "end",
        "head POST /b 1.1 [Host=a Content-Length=3] length(3)", "body abc", "end",
        "head PUT /c 1.1 [Host=a Transfer-Encoding=chunked] chunked", "body xyz", "end",
        "head GET /d 1.0 [] none", "end",
    ]

    @Test(arguments: [0, 1, 2, 3, 7, 64])
    func pipelinedRequestsInOneBuffer(_ readSize: Int) {
        #expect(RequestDecoding.decode(Self.pipelined, readSize: readSize) == Self.pipelinedParts)
    }

    /// `Upgrade` changes nothing: the request is ordinary and the next one on the connection is read.
    @Test func upgradeDoesNotStopParsing() {
        let input =
            "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(
            RequestDecoding.decode(input) == [
                "head GET /ws 1.1 [Host=a Connection=Upgrade Upgrade=websocket] none", "end",
                "head GET /next 1.1 [Host=a] none", "end",
            ])
        let connect = "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(RequestDecoding.decode(connect).count == 4)
    }

    /// A body's bytes that look like a request are body.
    @Test func bodyBytesAreNotParsedAsRequests() {
        let smuggle = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"
        let input = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(smuggle.utf8.count)\r\n\r\n" + smuggle
        let expected = "body " + RequestDecoding.text(ByteBufferFixture.buffer(smuggle))
        #expect(RequestDecoding.decode(input, readSize: 5).dropFirst().first == expected)
        #expect(RequestDecoding.decode(input).count == 3)
    }

    /// The fuzzing entry point reports the parts before the error.
    @Test func parseReturnsPartsAndTheError() {
        let (parts, error) = RequestDecoder.parse(
            Array("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\nHost: a\r\n\r\n".utf8),
            limits: RequestDecoding.limits())
        #expect(parts.count == 2)
        #expect(error == .malformed("Bare LF in request head"))
    }
}
