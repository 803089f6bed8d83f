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
    @Test func concurrentLargeRecordsDoNotInterleave() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let size = 256 * 1024
        let reader = Task.detached { () -> [UInt8] in
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { return received }
                received.append(contentsOf: chunk[0..<count])
            }
        }
        let writer = FileDescriptorWriter(fileDescriptor: writeEnd)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let byte = UInt8(ascii: "a") + UInt8(index % 16)
            writer.writeLine([UInt8](repeating: byte, count: size) + [UInt8(ascii: "\n")])
        }
        close(writeEnd)
        let received = await reader.value
        close(readEnd)
        let records = received.split(separator: UInt8(ascii: "\n"))
        #expect(records.count == 16)
        for record in records {
            #expect(record.count == size && Set(record).count == 1, "a record arrived mixed with another")
        }
    }
}
