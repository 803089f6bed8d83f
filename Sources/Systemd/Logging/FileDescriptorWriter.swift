#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes whole lines to a file descriptor with as few `write` calls as possible.
///
/// One `write` per record keeps concurrent records from interleaving (pipes guarantee it up to `PIPE_BUF`), and
/// no buffering means nothing is lost when the process is killed.
public struct FileDescriptorWriter: Sendable {
    public let fileDescriptor: Int32

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes a whole line (bytes ending in a newline).
    public func writeLine(_ line: [UInt8]) {
        line.withUnsafeBufferPointer { writeAll($0) }
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
