import NIOCore
import NIOHTTP1
import Testing

@testable import GatehouseCore

@Suite struct ResponseHeadWriterTests {
    typealias Case = (status: Int, method: HTTPMethod, minor: Int, length: Bool, framing: ResponseBodyFraming)

    @Test(
        arguments: [
            (200, .HEAD, 1, true, .none), (200, .HEAD, 1, false, .none), (200, .HEAD, 0, false, .none),
            (200, .CONNECT, 1, false, .none),
            (100, .GET, 1, false, .none), (103, .GET, 1, false, .none), (204, .GET, 1, true, .none),
            (304, .GET, 1, true, .none), (304, .GET, 0, false, .none),
            (200, .GET, 1, true, .fixed), (500, .POST, 0, true, .fixed), (205, .GET, 1, true, .fixed),
            (200, .GET, 1, false, .chunked), (404, .DELETE, 1, false, .chunked),
            (200, .GET, 0, false, .untilClose), (502, .POST, 0, false, .untilClose),
        ] as [Case])
    func framingFollowsRFC9112(testCase: Case) {
        let framing = ResponseBodyFraming(
            statusCode: testCase.status, requestMethod: testCase.method,
            version: HTTPVersion(major: 1, minor: testCase.minor), hasContentLength: testCase.length)
        #expect(framing == testCase.framing)
    }

    private func text(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }

    @Test func headIsStatusLineHeadersAndBlankLine() {
        var writer = ResponseHeadWriter(
            allocator: ByteBufferAllocator(), version: .http1_1, status: .notFound, capacity: 8)
        writer.add("content-type", "application/json")
        writer.add("X-Upstream", "a b")
        #expect(
            text(writer.finish(framing: .fixed))
                == "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nX-Upstream: a b\r\n\r\n")
    }

    @Test func http10AndCustomStatusesKeepTheirWords() {
        var writer = ResponseHeadWriter(
            allocator: ByteBufferAllocator(), version: .http1_0,
            status: HTTPResponseStatus(statusCode: 599, reasonPhrase: "Upstream Says No"))
        #expect(text(writer.finish(framing: .untilClose)) == "HTTP/1.0 599 Upstream Says No\r\n\r\n")
    }

    @Test func onlyAChunkedBodyAnnouncesItsCoding() {
        for framing in [ResponseBodyFraming.none, .fixed, .untilClose] {
            var writer = ResponseHeadWriter(allocator: ByteBufferAllocator(), version: .http1_1, status: .ok)
            #expect(!text(writer.finish(framing: framing)).lowercased().contains("transfer-encoding"))
        }
        var writer = ResponseHeadWriter(allocator: ByteBufferAllocator(), version: .http1_1, status: .ok)
        #expect(text(writer.finish(framing: .chunked)) == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
    }

    @Test(arguments: [(1, "1\r\n"), (15, "f\r\n"), (4096, "1000\r\n"), (70_000, "11170\r\n")])
    func chunkSizesAreLowercaseHex(count: Int, header: String) {
        #expect(text(ResponseHeadWriter.chunkHeader(count, allocator: ByteBufferAllocator())) == header)
    }

    @Test(arguments: [100, 103, 204])
    func statusesWithoutContentNeverCarryALength(code: Int) {
        var writer = ResponseHeadWriter(
            allocator: ByteBufferAllocator(), version: .http1_1, status: HTTPResponseStatus(statusCode: code))
        writer.add("Content-Length", "0")
        writer.add("x-kept", "1")
        let head = text(writer.finish(framing: .none))
        #expect(!head.lowercased().contains("content-length"))
        #expect(head.contains("x-kept: 1\r\n"))
    }

    @Test(arguments: [200, 304, 404])
    func otherStatusesKeepTheirLength(code: Int) {
        var writer = ResponseHeadWriter(
            allocator: ByteBufferAllocator(), version: .http1_1, status: HTTPResponseStatus(statusCode: code))
        writer.add("content-length", "12")
        #expect(text(writer.finish(framing: .fixed)).contains("content-length: 12\r\n"))
    }

    @Test func relayedFieldsAreCopiedByteForByte() throws {
        var upstream = ByteBuffer(string: "HTTP/1.1 200 OK\r\nServer: up\r\nX-Empty:\r\nX-Latin: caf")
        upstream.writeBytes([0xE9, 0x20, 0xFF])
        upstream.writeString("\r\nContent-Length: 2\r\n\r\n")
        let head = try ResponseHeadParser().parse(upstream)
        var writer = ResponseHeadWriter(allocator: ByteBufferAllocator(), version: .http1_1, status: .ok, capacity: 4)
        for index in head.fields.indices { writer.add(fieldAt: index, of: head) }
        #expect(writer.hasContentLength)
        let wire = Array(writer.finish(framing: .fixed).readableBytesView)
        let expected =
            Array("HTTP/1.1 200 OK\r\nServer: up\r\nX-Empty: \r\nX-Latin: caf".utf8) + [0xE9, 0x20, 0xFF]
            + Array("\r\nContent-Length: 2\r\n\r\n".utf8)
        #expect(wire == expected)
    }
}
