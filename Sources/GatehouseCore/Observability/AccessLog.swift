import Logging
import Systemd

/// Where access records go. The journal takes each record as one native entry with the contract's fields, through
/// swift-log; on standard error a record is one line, formatted straight into bytes from the record — the same line
/// swift-log's ``StderrLogHandler`` would print, without a `Logger.Metadata` dictionary built and sorted per request.
public enum AccessLog: Sendable {
    /// Through swift-log: the journal, or whatever handler the logger has (tests capture records this way).
    case logger(Logger)
    /// One ``LogLine`` per record, on a descriptor (standard error), batched per turn of the event loop.
    case lines(AccessLineBuffer)

    func write(_ record: AccessRecord) {
        switch self {
        case .logger(let logger):
            logger.info("\(record.message)", metadata: record.metadata)
        case .lines(let buffer):
            buffer.append { record.appendLine(to: &$0) }
        }
    }

    /// Writes out lines still waiting for their event loop's turn (before the process exits).
    public func flush() {
        if case .lines(let buffer) = self { buffer.flush() }
    }
}
