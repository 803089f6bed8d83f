import NIOCore
import Testing

@testable import GatehouseCore

@Suite struct UpstreamResponseDecoderTests {
    private func decode(_ text: String, bodyless: Bool = false, closeAtEnd: Bool = false) -> [String] {
        ResponseFixture.decode(text, bodyless: bodyless, closeAtEnd: closeAtEnd)
    }

    @Test func aContentLengthBodyEndsAtItsLength() {
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                == ["head 200 fields=1", "body 5", "end reusable=true"])
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == ["head 200 fields=1", "end reusable=true"])
        // Repeats that agree are one length (RFC 9110 §8.6).
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok")
                == ["head 200 fields=2", "body 2", "end reusable=true"])
    }

    @Test func aChunkedBodyWithExtensionsAndTrailersIsDecoded() {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n6 ;x\r\n world\r\n0\r\n"
            + "X-Trailer: 1\r\n\r\n"
        #expect(decode(text) == ["head 200 fields=1", "body 11", "end reusable=true"])
        #expect(
            decode("HTTP/1.1 200 OK\r\ntransfer-encoding: CHUNKED\r\n\r\n0\r\n\r\n")
                == ["head 200 fields=1", "end reusable=true"])
    }

    @Test func answersWithoutABodyEndAtTheirHead() {
        // HEAD: the length announces a body that never comes.
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", bodyless: true)
                == ["head 200 fields=1", "end reusable=true"])
        #expect(
            decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", bodyless: true)
                == ["head 200 fields=1", "end reusable=true"])
        #expect(decode("HTTP/1.1 204 No Content\r\n\r\n") == ["head 204 fields=0", "end reusable=true"])
        #expect(
            decode("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")
                == ["head 304 fields=1", "end reusable=true"])
    }

    @Test func interimAnswersAreSkipped() {
        let text =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
            + "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        #expect(decode(text) == ["head 200 fields=1", "body 2", "end reusable=true"])
    }

    @Test func aBodyWithoutFramingRunsUntilTheUpstreamCloses() {
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabc", closeAtEnd: true)
                == ["head 200 fields=1", "body 3", "eof end reusable=false"])
        #expect(
            decode("HTTP/1.0 200 OK\r\n\r\n", closeAtEnd: true) == ["head 200 fields=0", "eof end reusable=false"])
    }

    @Test func theUpstreamDecidesWhetherTheConnectionIsReused() {
        let cases: [(String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nConnection: x-a, Close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true),
        ]
        for (text, reusable) in cases {
            #expect(decode(text).last == "end reusable=\(reusable)", "\(text.debugDescription)")
        }
    }

    /// Each refused answer, with its exact reason: the client gets 502 and the connection is closed.
    @Test(arguments: [
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
            "101 Switching Protocols to a request that did not ask to switch"
        ),
        ("HTTP/1.1 099 Low\r\n\r\n", "status 99 is outside 100-599"),
        ("HTTP/1.1 700 Odd\r\nContent-Length: 0\r\n\r\n", "status 700 is outside 100-599"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok", "Invalid Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "Invalid Content-Length"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "Conflicting Content-Length values"),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
            "Both Content-Length and Transfer-Encoding are present"
        ),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Unsupported Transfer-Encoding"),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "Unsupported Transfer-Encoding"
        ),
        ("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding in an HTTP/1.0 response"),
        // The framing of an answer without a body is still checked.
        (
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "Conflicting Content-Length values"
        ),
    ])
    func refusedAnswers(text: String, reason: String) {
        #expect(decode(text) == ["error \(reason)"], "\(text.debugDescription)")
    }

    @Test func aBrokenChunkFailsTheResponseAfterTheBytesBeforeIt() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nxx\r\n0\r\n\r\n"
        #expect(decode(text) == ["head 200 fields=1", "body 5", "error Invalid chunk size"])
        let long = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "x", count: 5000)
        #expect(decode(long) == ["head 200 fields=1", "error Chunk size line too long"])
    }

    @Test func bytesAfterTheResponseBelongToNoRequest() {
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n")
                == [
                    "head 200 fields=1", "body 2", "end reusable=true",
                    "error Bytes from the upstream with no request outstanding",
                ])
        var decoder = UpstreamResponseDecoder()
        var input = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        #expect(throws: UpstreamResponseDecoder.unsolicited) { _ = try decoder.next(&input) }
        #expect(decoder.isFailed)
    }

    @Test func aCloseInsideAResponseIsAnErrorAndBeforeItNone() throws {
        let truncated = "error The upstream closed the connection inside a response"
        #expect(
            decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", closeAtEnd: true)
                == ["head 200 fields=1", "body 3", truncated])
        #expect(
            decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", closeAtEnd: true)
                == ["head 200 fields=1", "body 3", truncated])
        #expect(decode("HTTP/1.1 200 OK\r\nContent-", closeAtEnd: true) == [truncated])
        // Nothing at all: a plain end of file, which the exchange may retry.
        var decoder = UpstreamResponseDecoder()
        decoder.expectResponse(bodyless: false)
        #expect(try decoder.finish(ByteBuffer()) == nil)
    }

    /// However TCP splits a response, the same parts come out.
    @Test(arguments: [
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n1\r\n!\r\n0\r\nT: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\rb\r\n\r\nok",
    ])
    func everySplitGivesTheSameParts(text: String) {
        let whole = decode(text)
        let bytes = Array(text.utf8)
        for split in 1..<bytes.count {
            let parts = ResponseFixture.decode(pieces: [Array(bytes[..<split]), Array(bytes[split...])])
            #expect(parts == whole, "split at \(split)")
        }
        #expect(ResponseFixture.decode(text, readSize: 1) == whole)
    }
}
