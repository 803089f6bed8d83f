import Foundation
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite struct FileDescriptorWriterTests {
    /// Records larger than a pipe takes at once need several `write` calls; two written at the same time must still
    /// arrive whole (an access-line batch and an error record share standard error).
    @Test func concurrentLargeRecordsDoNotInterleave() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let size = 1024 * 1024
        // The reader and the writers are plain threads: blocking on a pipe must not occupy Swift's cooperative pool.
        let received = ReceivedBytes()
        let readerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received.bytes.append(contentsOf: chunk[0..<count])
            }
            readerDone.signal()
        }
        let writer = FileDescriptorWriter(fileDescriptor: writeEnd)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let byte = UInt8(ascii: "a") + UInt8(index)
            writer.writeLine([UInt8](repeating: byte, count: size) + [UInt8(ascii: "\n")])
        }
        close(writeEnd)
        readerDone.wait()
        close(readEnd)
        let records = received.bytes.split(separator: UInt8(ascii: "\n"))
        #expect(records.count == 8)
        for record in records {
            #expect(record.count == size && Set(record).count == 1, "a record arrived mixed with another")
        }
    }

    /// Filled by the reader thread, read after it signalled.
    private final class ReceivedBytes: @unchecked Sendable {
        var bytes: [UInt8] = []
    }
}
