import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes whole lines to a file descriptor with as few `write` calls as possible.
///
/// A record larger than what a pipe or socket takes at once (`PIPE_BUF` for pipes) needs several `write` calls, and
/// access lines are written in batches of up to 64 KiB: so every writer in the process takes one lock around its
/// calls, and records written concurrently (an access batch and an error record, both on standard error) never
/// interleave. The writer itself holds nothing back.
public struct FileDescriptorWriter: Sendable {
    private static let writeLock = Mutex(())

    public let fileDescriptor: Int32

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes a whole line (bytes ending in a newline).
    public func writeLine(_ line: [UInt8]) {
        line.withUnsafeBufferPointer { bytes in Self.writeLock.withLock { _ in writeAll(bytes) } }
    }

    private func writeAll(_ buffer: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < buffer.count {
            let written = write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR {
                    continue
                }
                return  // Nowhere left to report a failing stderr.
            }
            offset += written
        }
    }
}
