import NIOCore
import NIOHPACK
import NIOHTTP2
import Testing

@testable import GatehouseCore

/// The floods recognised on the bytes in front of NIOHTTP2: header blocks past the limit (also across CONTINUATION
/// frames that never end), HPACK table size updates past the allowed size, and decoded lists past the limit.
@Suite struct HTTP2FloodGuardTests {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(_ type: UInt8, _ flags: UInt8, _ stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + [UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)]
            + payload
    }

    static func encode(_ headers: [(String, String)], with encoder: inout HPACKEncoder) -> [UInt8] {
        var buffer = ByteBuffer()
        try! encoder.encode(headers: HPACKHeaders(headers), to: &buffer)
        return Array(buffer.readableBytesView)
    }

    static let request = [(":method", "GET"), (":scheme", "https"), (":authority", "h"), (":path", "/p")]

    /// Feeds `bytes` in pieces of `step` bytes; returns the first flood.
    static func scan(_ bytes: [UInt8], step: Int = .max, limit: Int = 1000) -> HTTP2FloodGuard.Flood? {
        var floodGuard = HTTP2FloodGuard(maxHeaderListSize: limit, maxHeaderBlockBytes: limit)
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + step)
            if let flood = floodGuard.scan(ByteBuffer(bytes: bytes[index..<end])) { return flood }
            index = end
        }
        return nil
    }

    @Test(arguments: [1, 7, 4096])
    func ordinaryTrafficPasses(step: Int) {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var bytes = Self.preface + Self.frame(0x4, 0, 0, [])
        for stream in stride(from: UInt32(1), to: 40, by: 2) {
            bytes += Self.frame(0x1, 0x4, stream, Self.encode(Self.request + [("x-a", "1")], with: &encoder))
            bytes += Self.frame(0x0, 0x1, stream, Array(repeating: 0x61, count: 3000))
        }
        #expect(Self.scan(bytes, step: step) == nil)
    }

    @Test func aBlockSplitAcrossContinuationsWithinTheLimitPasses() {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        let block = Self.encode(Self.request + [("x-a", String(repeating: "v", count: 500))], with: &encoder)
        let bytes =
            Self.preface + Self.frame(0x1, 0, 1, Array(block[..<10])) + Self.frame(0x9, 0, 1, Array(block[10..<20]))
            + Self.frame(0x9, 0x4, 1, Array(block[20...]))
        #expect(Self.scan(bytes, step: 3) == nil)
    }

    @Test func continuationsThatNeverEndPastTheLimitAreAFlood() {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var bytes = Self.preface + Self.frame(0x1, 0, 1, Self.encode(Self.request, with: &encoder))
        for _ in 0..<5 { bytes += Self.frame(0x9, 0, 1, Array(repeating: 0x40, count: 300)) }
        #expect(Self.scan(bytes, step: 5) == .headerBlockTooLarge)
    }

    @Test func aSingleHeadersFramePastTheLimitIsAFloodBeforeItsPayload() {
        let bytes = Self.preface + Array(Self.frame(0x1, 0x4, 1, Array(repeating: 0, count: 1001)).prefix(9))
        #expect(Self.scan(bytes) == .headerBlockTooLarge)
    }

    @Test func aTableSizeUpdatePastTheAllowedSizeIsAFlood() {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        let update: [UInt8] = [0x3F, 0xE1, 0xFF, 0x3F]  // 1 MiB
        let bytes = Self.preface + Self.frame(0x1, 0x5, 1, update + Self.encode(Self.request, with: &encoder))
        #expect(Self.scan(bytes) == .hpackTableTooLarge)
    }

    @Test func aDecodedListPastTheLimitIsAFloodEvenWhenItsBlockIsSmall() {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        let entry = ("x-b", String(repeating: "b", count: 600))
        let first = Self.encode(Self.request + [entry], with: &encoder)
        let second = Self.encode(Self.request + Array(repeating: entry, count: 10), with: &encoder)
        #expect(second.count < 100)
        let bytes = Self.preface + Self.frame(0x1, 0x5, 1, first) + Self.frame(0x1, 0x5, 3, second)
        #expect(Self.scan(bytes, step: 11) == .headerListTooLarge)
    }

    @Test func paddingAndPriorityAreNotPartOfTheBlock() {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        let block = Self.encode(Self.request, with: &encoder)
        let payload = [UInt8(3)] + [0, 0, 0, 0, 16] + block + [0, 0, 0]
        #expect(HTTP2FloodGuard.fragment(of: payload, flags: 0x8 | 0x20) == block)
        #expect(Self.scan(Self.preface + Self.frame(0x1, 0x4 | 0x8 | 0x20 | 0x1, 1, payload)) == nil)
    }

    @Test func aHeaderBlockIsOpenFromHeadersToEndHeaders() {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        let block = Self.encode(Self.request, with: &encoder)
        var floodGuard = HTTP2FloodGuard(maxHeaderListSize: 1000, maxHeaderBlockBytes: 1000)
        _ = floodGuard.scan(ByteBuffer(bytes: Self.preface))
        #expect(!floodGuard.headerBlockOpen)
        _ = floodGuard.scan(ByteBuffer(bytes: Self.frame(0x1, 0, 1, Array(block[..<4]))))
        #expect(floodGuard.headerBlockOpen)
        _ = floodGuard.scan(ByteBuffer(bytes: Self.frame(0x9, 0x4, 1, Array(block[4...]))))
        #expect(!floodGuard.headerBlockOpen)
        #expect(floodGuard.lastClientStreamID == 1)
    }

    @Test func onlyConnectionErrorsCloseTheConnection() {
        #expect(HTTP2ConnectionEvents.endsConnection(NIOHTTP2Errors.excessiveRSTFrames()))
        #expect(HTTP2ConnectionEvents.floodReason(NIOHTTP2Errors.excessiveRSTFrames()) == "rapid_reset")
        #expect(HTTP2ConnectionEvents.endsConnection(NIOHTTP2Errors.unableToParseFrame()))
        // a stream opened after GOAWAY is refused on its own: the streams in flight must not lose their connection
        let refused = NIOHTTP2Errors.streamError(
            streamID: HTTP2StreamID(5), baseError: NIOHTTP2Errors.createdStreamAfterGoaway())
        #expect(!HTTP2ConnectionEvents.endsConnection(refused))
        #expect(!HTTP2ConnectionEvents.endsConnection(NIOHTTP2Errors.contentLengthViolated()))
        #expect(HTTP2ConnectionEvents.floodReason(refused) == nil)
    }

    /// A connection NIOHTTP2 ended with GOAWAY lingers so the client reads it; one failed below (TLS, I/O) closes.
    @Test func onlyAGoAwayIsFollowedByALingeringClose() {
        #expect(HTTP2ConnectionEvents.sentGoAway(NIOHTTP2Errors.excessiveControlFrames()))
        #expect(HTTP2ConnectionEvents.sentGoAway(NIOHTTP2Errors.excessiveEmptyDataFrames()))
        #expect(HTTP2ConnectionEvents.sentGoAway(NIOHTTP2Errors.unableToParseFrame()))
        #expect(!HTTP2ConnectionEvents.sentGoAway(ChannelError.ioOnClosedChannel))
        #expect(!HTTP2ConnectionEvents.sentGoAway(NIOHTTP2Errors.contentLengthViolated()))
    }

    @Test func goAwayFrameBytes() {
        let frame = HTTP2FloodGuard.goAway(lastStreamID: 5, errorCode: 0xB)
        #expect(Array(frame.readableBytesView) == [0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0xB])
    }
}
