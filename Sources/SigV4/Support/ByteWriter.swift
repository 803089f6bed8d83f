import GatehouseBytes

/// Appends bytes into a buffer allocated once, with one bounds check per write instead of `Array.append`'s
/// uniqueness and growth checks. The canonical request is built with it on every verified request.
struct ByteWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    /// Set when a write did not fit; `collect` then starts again with a larger buffer, so a wrong size estimate
    /// costs time, never memory safety.
    private(set) var overflowed = false

    private init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// The bytes `body` writes, in an array of `capacity` bytes (more if `body` needs it: it is run again).
    static func collect(capacity: Int, _ body: (inout ByteWriter) -> Void) -> [UInt8] {
        var capacity = max(capacity, 16)
        while true {
            var overflowed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                var writer = ByteWriter(buffer)
                body(&writer)
                overflowed = writer.overflowed
                initialized = overflowed ? 0 : writer.count
            }
            if !overflowed { return bytes }
            capacity *= 2
        }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        guard count < buffer.count else {
            overflowed = true
            return
        }
        buffer[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        guard bytes.count <= buffer.count - count else {
            overflowed = true
            return
        }
        (buffer.baseAddress! + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        UTF8Bytes.with(text) { append($0) }
    }

    /// `bytes` with ASCII letters lowercased (header names).
    mutating func appendLowercased(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= buffer.count - count else {
            overflowed = true
            return
        }
        var index = 0
        while bytes.count - index >= 8 {
            SWAR.store(SWAR.lowercased(SWAR.load(bytes, from: index, count: 8)), to: buffer.baseAddress! + count)
            count += 8
            index += 8
        }
        while index < bytes.count {
            buffer[count] = ASCII.lowercased(bytes[index])
            count += 1
            index += 1
        }
    }

    /// The lowercase hex form of `bytes` (digests).
    mutating func appendHex(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count * 2 <= buffer.count - count else {
            overflowed = true
            return
        }
        Hex.write(bytes, to: buffer.baseAddress! + count)
        count += 2 * bytes.count
    }
}
