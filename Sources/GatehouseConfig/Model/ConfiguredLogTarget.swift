/// Where access and event records go (contract section 6).
public enum ConfiguredLogTarget: String, Hashable, Sendable, CaseIterable {
    /// journald when `JOURNAL_STREAM` names stderr, otherwise stderr.
    case auto
    /// journald through the native protocol when its socket exists.
    case journal
    /// One line per record on stderr.
    case stderr
}
