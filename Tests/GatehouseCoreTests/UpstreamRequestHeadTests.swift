import NIOCore
import NIOHTTP1
import Testing

@testable import GatehouseCore

/// The upstream head is written in one pass into a buffer sized for it in advance: these pin its exact bytes and
/// that the size counted is the size written.
@Suite struct UpstreamRequestHeadTests {
    private func wire(_ request: UpstreamRequest) -> String {
        let buffer = request.head(allocator: ByteBufferAllocator())
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    @Test func gatehouseHeadersAloneMakeTheWholeHead() {
        let request = UpstreamRequest(
            method: .POST, uri: "/a/b?c=1", headers: [("host", "up:9000"), ("x-request-id", "rid"), ("x-e", "")])
        #expect(wire(request) == "POST /a/b?c=1 HTTP/1.1\r\nhost: up:9000\r\nx-request-id: rid\r\nx-e: \r\n\r\n")
    }

    @Test func theClientsFieldsFollowHostByteForByte() throws {
        let client = try ParsedHeadFixture.head(
            "GET /prod/x HTTP/1.1\r\nHost: gw\r\nAccept: */*\r\nX-Long: \(String(repeating: "v", count: 300))\r\n\r\n")
        var request = UpstreamRequest(
            method: .GET, uri: "/x", headers: [("host", "up"), ("x-forwarded-for", "1.2.3.4")])
        request.clientHead = client
        request.forwardedFields = [1, 2]
        let expected =
            "GET /x HTTP/1.1\r\nhost: up\r\nAccept: */*\r\nX-Long: \(String(repeating: "v", count: 300))\r\n"
            + "x-forwarded-for: 1.2.3.4\r\n\r\n"
        #expect(wire(request) == expected)
        #expect(request.head(allocator: ByteBufferAllocator()).readableBytes == expected.utf8.count)
    }

    @Test func anExtensionMethodAndNonASCIIValuesAreCountedByTheirBytes() {
        let request = UpstreamRequest(
            method: .RAW(value: "VERY-LONG-EXTENSION-METHOD"), uri: "/%E1%88%B4",
            headers: [("host", "up"), ("x-subject", "CN=ሴ")])
        #expect(
            wire(request) == "VERY-LONG-EXTENSION-METHOD /%E1%88%B4 HTTP/1.1\r\nhost: up\r\nx-subject: CN=ሴ\r\n\r\n")
    }
}
