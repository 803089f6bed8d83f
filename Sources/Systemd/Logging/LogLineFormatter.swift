import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Formats one log record as one line: `TIMESTAMP LEVEL MESSAGE key=value key="quoted value"`.
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
        var line = Self.iso8601(timestamp)
        line.reserveCapacity(64 + message.utf8.count + metadata.count * 32)
        line += " "
        line += level.rawValue
        line += " "
        line += Self.escaped(message)
        for key in metadata.keys.sorted() {
            line += " "
            line += Self.key(key)
            line += "="
            line += Self.value(metadata[key]!.description)
        }
        line += "\n"
        return line
    }

    /// The current wall-clock time.
    public static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }

    /// `2026-11-28T14:41:00.123Z`: UTC with milliseconds, sortable and unambiguous.
    static func iso8601(_ time: timespec) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(time.tv_nsec / 1_000_000)
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
            + ".\(pad(millis, 3))Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Keys are printed bare: anything that would break `key=value` parsing becomes `_`.
    static func key(_ key: String) -> String {
        guard !key.isEmpty else {
            return "_"
        }
        // Fast path: metadata keys are almost always plain ASCII names.
        if key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "\"") }) {
            return key
        }
        return String(
            key.unicodeScalars.map { scalar in
                scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "=" || scalar == "\""
                    ? "_" : Character(scalar)
            })
    }

    /// Values are quoted when empty or when they contain spaces, quotes, `=`, backslashes or control characters.
    static func value(_ value: String) -> String {
        // Scanning UTF-8 bytes finds the same characters: every byte of a multi-byte scalar is 0x80 or above.
        let needsQuotes =
            value.isEmpty
            || value.utf8.contains { byte in
                byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "\\")
            }
        guard needsQuotes else {
            return value
        }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted += escapedControl(scalar)
            }
        }
        return quoted + "\""
    }

    /// Messages are not quoted, but control characters are escaped so a record stays on one line.
    static func escaped(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return message
        }
        return message.unicodeScalars.map(escapedControl).joined()
    }

    private static func escapedControl(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            guard scalar.value < 0x20 || scalar.value == 0x7F else {
                return String(scalar)
            }
            let hex = String(scalar.value, radix: 16)
            return "\\x" + (hex.count < 2 ? "0" + hex : hex)
        }
    }
}
