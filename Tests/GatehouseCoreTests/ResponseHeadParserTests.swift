import NIOCore
import Testing

@testable import GatehouseCore

@Suite struct ResponseHeadParserTests {
    @Test func theStatusLineAndFieldsAreRangesIntoTheHead() throws {
        let head = try ResponseFixture.head("HTTP/1.0 404 Not Found\r\nContent-Type:  text/plain \r\nX-A:\r\n\r\n")
        #expect(head.minorVersion == 0)
        #expect(head.statusCode == 404)
        #expect(head.reasonString == "Not Found")
        #expect(head.fields.count == 2)
        #expect(head.name(0) == "Content-Type" && head.valueString(0) == "text/plain")
        #expect(head.fieldIs(0, "content-type") && !head.fieldIs(0, "content-length"))
        #expect(head.valueString(1) == "")
        #expect(head.indices(of: "x-a") == [1])
        #expect(head.count == 60)
    }

    @Test func aStatusLineWithoutReasonIsRead() throws {
        #expect(try ResponseFixture.head("HTTP/1.1 200\r\n\r\n").statusCode == 200)
        let empty = try ResponseFixture.head("HTTP/1.1 599 \r\n\r\n")
        #expect(empty.statusCode == 599 && empty.reason.isEmpty)
    }

    @Test func obsTextInAValueIsKeptByteForByte() throws {
        let bytes: [UInt8] = Array("HTTP/1.1 200 OK\r\nX-Name: ".utf8) + [0xE9, 0xFF] + Array("\r\n\r\n".utf8)
        var parser = ResponseHeadParser()
        let buffer = ByteBuffer(bytes: bytes)
        guard case .complete(0, bytes.count) = try parser.scan(buffer) else {
            Issue.record("incomplete")
            return
        }
        let head = try parser.parse(buffer)
        #expect(Array(buffer: head.valueBytes(0)) == [0xE9, 0xFF])
    }

    /// Each malformed head, with the exact reason the upstream connection is refused for.
    @Test(arguments: [
        ("HTTP/1.1 2OO OK\r\n\r\n", "Malformed status line"),
        ("HTTP/1.1 2000 OK\r\n\r\n", "Malformed status line"),
        ("HTTP/1.1  200 OK\r\n\r\n", "Malformed status line"),
        ("HTTP/2.0 200 OK\r\n\r\n", "Malformed status line"),
        ("HTTX/1.1 200 OK\r\n\r\n", "Malformed status line"),
        ("HTTP/1.2 200 OK\r\n\r\n", "Unsupported HTTP version"),
        ("HTTP/1.1 200 O\u{7F}K\r\n\r\n", "Malformed status line"),
        ("HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n", "Whitespace before the colon of a header"),
        ("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n", "Whitespace before the colon of a header"),
        ("HTTP/1.1 200 OK\r\n(bad): 1\r\n\r\n", "Invalid header name"),
        ("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", "Invalid header name"),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "Obsolete line folding in a header"),
        ("HTTP/1.1 200 OK\r\nX-A: a\u{01}b\r\n\r\n", "Invalid character in a header value"),
        ("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", "Bare CR in response head"),
        ("HTTP/1.1 200 OK\nX-A: 1\r\n\r\n", "Bare LF in response head"),
        ("\r\nHTTP/1.1 200 OK\r\n\r\n", "Empty line before the response head"),
    ])
    func malformedHeadsAreRefused(text: String, reason: String) {
        #expect(ResponseFixture.decode(text) == ["error \(reason)"], "\(text.debugDescription)")
    }

    @Test func theHeadLimitIsExactAndSplitProof() {
        // Exactly 64 KiB is read; one byte more is refused, whether it arrives in one read or one byte at a time.
        let line = "HTTP/1.1 204 No Content\r\nX-Pad: "
        let pad = ResponseHeadParser.defaultMaxHeadBytes - line.utf8.count - 4
        let fits = line + String(repeating: "a", count: pad) + "\r\n\r\n"
        #expect(ResponseFixture.decode(fits) == ["head 204 fields=1", "end reusable=true"])
        let over = line + String(repeating: "a", count: pad + 1) + "\r\n\r\n"
        #expect(ResponseFixture.decode(over) == ["error Response head too large"])
        #expect(ResponseFixture.decode(over, readSize: 4096) == ["error Response head too large"])
    }

    @Test func tooManyFieldsAreRefused() {
        let text = "HTTP/1.1 204 No Content\r\n" + String(repeating: "A: 1\r\n", count: 1001) + "\r\n"
        #expect(ResponseFixture.decode(text) == ["error Response head too large"])
    }
}
