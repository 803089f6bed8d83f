#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Decides where logs go for a ``LogTarget``, from the facts systemd leaves in the environment.
///
/// The facts are plain values so the rules can be tested without a systemd: `init()` reads the real ones.
public struct LogTargetResolver: Sendable {
    /// The `JOURNAL_STREAM` variable, if set.
    public var journalStream: String?
    /// Standard error, compared against `journalStream`.
    public var standardErrorDescriptor: Int32
    /// journald's native-protocol socket.
    public var journalSocketPath: String

    /// The socket `sd_journal_sendv` writes to.
    public static let defaultJournalSocketPath = "/run/systemd/journal/socket"

    public init(
        journalStream: String? = getenv("JOURNAL_STREAM").map { String(cString: $0) },
        standardErrorDescriptor: Int32 = 2,
        journalSocketPath: String = LogTargetResolver.defaultJournalSocketPath
    ) {
        self.journalStream = journalStream
        self.standardErrorDescriptor = standardErrorDescriptor
        self.journalSocketPath = journalSocketPath
    }

    /// Whether standard error is the journal stream systemd named in `JOURNAL_STREAM`.
    public var standardErrorIsJournal: Bool {
        guard let journalStream, let stream = JournalStream(journalStream) else {
            return false
        }
        return stream.isConnected(to: standardErrorDescriptor)
    }

    /// Whether journald's socket exists (a socket file; a stale one is detected only when sending fails).
    public var journalSocketExists: Bool {
        var status = stat()
        return stat(journalSocketPath, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK
    }

    public func resolve(_ target: LogTarget) -> LogTargetResolution {
        switch target {
        case .stderr:
            return LogTargetResolution(destination: .stderr)
        case .auto:
            return LogTargetResolution(destination: standardErrorIsJournal && journalSocketExists ? .journal : .stderr)
        case .journal:
            guard journalSocketExists else {
                return LogTargetResolution(
                    destination: .stderr,
                    warning: "log_target is journal but \(journalSocketPath) does not exist; logging to stderr"
                )
            }
            return LogTargetResolution(destination: .journal)
        }
    }
}
