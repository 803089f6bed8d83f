import NIOCore
import Testing

@testable import GatehouseCore

/// A request body buffer grows with what arrives, not with what the head declares.
@Suite struct RequestBodyGrowthTests {
    private let allocator = ByteBufferAllocator()

    @Test func aDeclaredBodyReservesOnlyTheInitialCapacity() {
        let body = ByteBuffer.requestBody(declared: 10 * 1024 * 1024, allocator: allocator)
        #expect(body.capacity == 64 * 1024)
    }

    @Test func aSmallDeclaredBodyReservesItsOwnSize() {
        let body = ByteBuffer.requestBody(declared: 100, allocator: allocator)
        #expect(body.capacity < 64 * 1024)
    }

    @Test func theBufferGrowsAsTheBytesArriveAndKeepsThemAll() {
        var body = ByteBuffer.requestBody(declared: 300_000, allocator: allocator)
        let sent = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for range in [0..<1, 1..<70_001, 70_001..<300_000] {
            body.writeImmutableBuffer(ByteBuffer(bytes: sent[range]))
        }
        #expect(body.readableBytesView.elementsEqual(sent))
        #expect(body.capacity <= 512 * 1024)
    }
}
