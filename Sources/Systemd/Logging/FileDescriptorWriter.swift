#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes whole lines to a file descriptor with as few `write` calls as possible.
///
/// One `write` per record keeps concurrent records from interleaving (pipes guarantee it up to `PIPE_BUF`), and
/// no buffering means nothing is lost when the process is killed.
struct FileDescriptorWriter: Sendable {
    let fileDescriptor: Int32

    func writeLine(_ line: String) {
        var line = line
        line.withUTF8 { buffer in
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
}
