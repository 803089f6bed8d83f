import NIOCore

extension ByteBuffer {
    /// What a request body buffer reserves before its bytes arrive. A `Content-Length` is only a claim: reserving it
    /// whole would let each connection pin `max_body_bytes` of memory without sending a byte (contract §3 "Hostile
    /// input"). Past this, the buffer grows as bytes are written to it (NIO doubles it, to a power of two), so what
    /// it holds in memory follows what was received.
    static let requestBodyInitialCapacity = 64 * 1024

    /// A buffer for a request body declared `declared` bytes long, none of it received yet.
    static func requestBody(declared: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(capacity: Swift.min(declared, requestBodyInitialCapacity))
    }
}
