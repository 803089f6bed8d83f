import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Formats one swift-log record as one line: `TIMESTAMP LEVEL MESSAGE key=value key="quoted value"` (see ``LogLine``).
///
/// One record per line, always: newlines and other control characters in the message and values are escaped, so a
/// line-oriented collector (journald's stdout stream, `grep`, logfmt parsers) never splits or merges records.
/// Keys are sorted so the same record always prints the same way.
public struct LogLineFormatter: Sendable {
    public init() {}

    /// The line for a record, including the trailing newline. `timestamp` defaults to now.
    public func format(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        timestamp: timespec = LogLineFormatter.now()
    ) -> String {
        String(
            decoding: formatBytes(level: level, message: message, metadata: metadata, timestamp: timestamp),
            as: UTF8.self)
    }

    /// The same line as UTF-8 bytes, ready for `write`.
    public func formatBytes(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        timestamp: timespec = LogLineFormatter.now()
    ) -> [UInt8] {
        var line = LogLine(
            level: level, message: message, timestamp: timestamp,
            capacity: 64 + message.utf8.count + metadata.count * 32)
        for key in metadata.keys.sorted() {
            line.field(key, metadata[key]!.description)
        }
        return line.finish()
    }

    /// The current wall-clock time.
    public static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }

    /// `2026-11-28T14:41:00.123Z`: UTC with milliseconds, sortable and unambiguous.
    static func iso8601(_ time: timespec) -> String {
        var bytes: [UInt8] = []
        LogLine.appendTimestamp(time, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A key as printed: anything that would break `key=value` parsing becomes `_`.
    static func key(_ key: String) -> String {
        var bytes: [UInt8] = []
        LogLine.appendKey(key, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A value as printed, quoted when needed.
    static func value(_ value: String) -> String {
        var bytes: [UInt8] = []
        LogLine.appendValue(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
