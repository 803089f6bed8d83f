/// Where records actually go once ``LogTarget`` has been resolved against the running environment.
public enum LogDestination: String, Hashable, Sendable {
    /// journald's native protocol, structured fields (``JournalLogHandler``).
    case journal
    /// One line per record on standard error (``StderrLogHandler``).
    case stderr
}
