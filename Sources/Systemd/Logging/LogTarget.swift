/// The configuration file's `log_target` (contract section 2 and 6).
public enum LogTarget: String, CaseIterable, Hashable, Sendable {
    /// The journal when systemd connected standard error to it (`JOURNAL_STREAM`), else standard error.
    case auto
    /// The journal whenever its socket exists, even when standard error goes elsewhere.
    case journal
    /// Always standard error, one line per record.
    case stderr
}
