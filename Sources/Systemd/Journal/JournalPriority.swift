import Logging

/// syslog priorities as journald's `PRIORITY=` field expects them (0 emerg ... 7 debug).
enum JournalPriority {
    /// swift-log has no emergency/alert levels; `trace` and `debug` both map to syslog debug.
    static func of(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
