import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Systemd

/// Access lines for standard error, gathered while an event loop handles one batch of ready connections and written
/// with one `write` when that batch is done.
///
/// Under load a loop finishes several requests per wake-up; one `write` each was a tenth of the per-request system
/// calls. The buffer is shared by all event loops: a line waits until the flush task of the first loop to queue one
/// runs (the end of that loop's current turn), or until 64 KiB have gathered; a line logged off the event loops is
/// written at once. Lines stay whole and in order: each is written into the waiting buffer under its lock.
public final class AccessLineBuffer: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var flushScheduled = false
    }

    private static let flushThreshold = 64 * 1024

    private let writer: FileDescriptorWriter
    private let state = NIOLockedValueBox(State())
    /// Held from taking the waiting lines until they are written, so a batch taken later is never written first.
    private let writeLock = NIOLock()

    public init(writer: FileDescriptorWriter) {
        self.writer = writer
    }

    /// Queues `line` (bytes ending in a newline) behind the lines already waiting.
    func append(_ line: [UInt8]) {
        append { $0.append(contentsOf: line) }
    }

    /// Queues the line `write` appends (bytes ending in a newline) behind the lines already waiting. On an event loop
    /// the line is written straight into the waiting buffer, under its lock: no array per line, no copy.
    func append(writing write: (inout [UInt8]) -> Void) {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
            var line: [UInt8] = []
            write(&line)
            flush(appending: line)
            return
        }
        let (schedule, full) = state.withLockedValue { state -> (Bool, Bool) in
            write(&state.pending)
            let alreadyScheduled = state.flushScheduled
            state.flushScheduled = true
            return (!alreadyScheduled, state.pending.count >= Self.flushThreshold)
        }
        if full {
            flush()
        } else if schedule {
            loop.execute { self.flush() }
        }
    }

    /// Writes whatever is waiting (and `line` after it). Taking the lines and writing them happen under one lock, so
    /// a batch taken later can never be written first.
    public func flush(appending line: [UInt8] = []) {
        writeLock.withLock {
            let bytes = state.withLockedValue { state -> [UInt8] in
                var bytes = state.pending
                state.pending = []
                state.pending.reserveCapacity(4096)
                state.flushScheduled = false
                bytes.append(contentsOf: line)
                return bytes
            }
            if !bytes.isEmpty { writer.writeLine(bytes) }
        }
    }
}
