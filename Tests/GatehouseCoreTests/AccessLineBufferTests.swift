import Foundation
import NIOCore
import NIOPosix
import Systemd
import Testing

@testable import GatehouseCore

/// Access lines gathered per turn of the event loop: nothing lost, nothing reordered, nothing held past the turn.
@Suite struct AccessLineBufferTests {
    /// A buffer writing to a fresh temporary file, and a way to read what reached the file.
    private final class FileSink: Sendable {
        let path = NSTemporaryDirectory() + "gatehouse-access-\(UUID().uuidString)"
        let fd: Int32
        init() { fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0o600) }
        var written: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        func remove() {
            close(fd)
            unlink(path)
        }
    }

    private func line(_ text: String) -> [UInt8] { Array((text + "\n").utf8) }

    @Test func offTheEventLoopALineIsWrittenAtOnce() {
        let sink = FileSink()
        defer { sink.remove() }
        let buffer = AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: sink.fd))
        buffer.append(line("one"))
        #expect(sink.written == "one\n")
    }

    @Test func onAnEventLoopLinesWaitForTheTurnThenArriveInOrder() throws {
        let sink = FileSink()
        defer { sink.remove() }
        let buffer = AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: sink.fd))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let seenDuringTurn = try loop.submit { () -> String in
            for index in 1...3 { buffer.append(self.line("line \(index)")) }
            return sink.written
        }.wait()
        #expect(seenDuringTurn == "", "lines are held until the turn ends")
        // A task queued after the turn runs after the buffer's flush task.
        try loop.submit {}.wait()
        #expect(sink.written == "line 1\nline 2\nline 3\n")
    }

    @Test func aFullBufferIsWrittenWithoutWaitingAndOrderIsKept() throws {
        let sink = FileSink()
        defer { sink.remove() }
        let buffer = AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: sink.fd))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let long = String(repeating: "x", count: 1000)
        let writtenDuringTurn = try group.next().submit { () -> Int in
            for index in 0..<100 { buffer.append(self.line("\(index) \(long)")) }
            return sink.written.count
        }.wait()
        #expect(writtenDuringTurn >= 60_000, "more than 64 KiB must not wait for the turn to end")
        try group.next().submit {}.wait()
        let lines = sink.written.split(separator: "\n")
        #expect(lines.count == 100)
        #expect(lines.map { Int($0.prefix { $0 != " " }) } == (0..<100).map { $0 })
    }

    @Test func flushWritesWhatIsWaiting() throws {
        let sink = FileSink()
        defer { sink.remove() }
        let buffer = AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: sink.fd))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let flushedInTurn = try group.next().submit { () -> String in
            buffer.append(self.line("pending"))
            buffer.flush()
            return sink.written
        }.wait()
        #expect(flushedInTurn == "pending\n")
        try group.next().submit {}.wait()
        #expect(sink.written == "pending\n", "the scheduled flush finds nothing left to write")
    }
}
