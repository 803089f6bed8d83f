import NIOCore

/// Copies the pieces of an HTTP head (names, values, separators) into memory sized for them in advance, such as
/// `ByteBuffer.writeWithUnsafeMutableBytes(minimumWritableBytes:)` lends. A head is dozens of short pieces; written
/// one by one through `ByteBuffer`'s checked writes they cost more than the copying itself. Bounds stay checked.
struct HeadBytesWriter {
    let out: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(out: UnsafeMutableRawBufferPointer) {
        self.out = out
    }

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= out.count, "head larger than the space counted for it")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (out.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func put(_ byte: UInt8) {
        precondition(count < out.count, "head larger than the space counted for it")
        out[count] = byte
        count += 1
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
    }
}
