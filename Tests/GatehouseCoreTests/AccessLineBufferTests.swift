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

    /// Runs `body` with a buffer writing to a fresh file and a one-thread event loop, and cleans both up.
    private func withBufferAndLoop<Result>(
        _ body: (_ buffer: AccessLineBuffer, _ sink: FileSink, _ loop: any EventLoop) throws -> Result
    ) throws -> Result {
        let sink = FileSink()
        defer { sink.remove() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        return try body(AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: sink.fd)), sink, group.next())
    }

    @Test func offTheEventLoopALineIsWrittenAtOnce() {
        let sink = FileSink()
        defer { sink.remove() }
        let buffer = AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: sink.fd))
        buffer.append(line("one"))
        #expect(sink.written == "one\n")
    }

    @Test func onAnEventLoopLinesWaitForTheTurnThenArriveInOrder() throws {
        try withBufferAndLoop { buffer, sink, loop in
            let seenDuringTurn = try loop.submit { () -> String in
                for index in 1...3 { buffer.append(self.line("line \(index)")) }
                return sink.written
            }.wait()
            #expect(seenDuringTurn == "", "lines are held until the turn ends")
            // A task queued after the turn runs after the buffer's flush task.
            try loop.submit {}.wait()
            #expect(sink.written == "line 1\nline 2\nline 3\n")
        }
    }

    @Test func aFullBufferIsWrittenWithoutWaitingAndOrderIsKept() throws {
        try withBufferAndLoop { buffer, sink, loop in
            let long = String(repeating: "x", count: 1000)
            let writtenDuringTurn = try loop.submit { () -> Int in
                for index in 0..<100 { buffer.append(self.line("\(index) \(long)")) }
                return sink.written.count
            }.wait()
            #expect(writtenDuringTurn >= 60_000, "more than 64 KiB must not wait for the turn to end")
            try loop.submit {}.wait()
            let lines = sink.written.split(separator: "\n")
            #expect(lines.count == 100)
            #expect(lines.map { Int($0.prefix { $0 != " " }) } == (0..<100).map { $0 })
        }
    }

    @Test func linesWrittenIntoTheWaitingBufferArriveWholeAndInOrder() throws {
        try withBufferAndLoop { buffer, sink, loop in
            try loop.submit {
                buffer.append(self.line("first"))
                buffer.append { $0.append(contentsOf: "second\n".utf8) }
                buffer.append(self.line("third"))
            }.wait()
            try loop.submit {}.wait()
            #expect(sink.written == "first\nsecond\nthird\n")
        }
    }

    @Test func flushWritesWhatIsWaiting() throws {
        try withBufferAndLoop { buffer, sink, loop in
            let flushedInTurn = try loop.submit { () -> String in
                buffer.append(self.line("pending"))
                buffer.flush()
                return sink.written
            }.wait()
            #expect(flushedInTurn == "pending\n")
            try loop.submit {}.wait()
            #expect(sink.written == "pending\n", "the scheduled flush finds nothing left to write")
        }
    }
}
