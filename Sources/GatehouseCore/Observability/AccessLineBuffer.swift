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
/// written at once. Lines stay whole and in order.
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
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
            flush(appending: line)
            return
        }
        let schedule = state.withLockedValue { state -> Bool? in
            if state.pending.count + line.count > Self.flushThreshold { return nil }
            state.pending.append(contentsOf: line)
            let alreadyScheduled = state.flushScheduled
            state.flushScheduled = true
            return !alreadyScheduled
        }
        switch schedule {
        case .none: flush(appending: line)
        case .some(true): loop.execute { self.flush() }
        case .some(false): break
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
