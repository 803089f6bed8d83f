/// Turns a swift-log metadata key into a valid journald field name.
///
/// journald silently drops fields whose names are not `[A-Z0-9_]`, start with `_` (reserved for trusted fields)
/// or a digit, or exceed 64 bytes, so keys are normalised instead of losing the value: `request_id` becomes
/// `REQUEST_ID`, `source-ip` becomes `SOURCE_IP`, `_pid` becomes `PID`, `2xx` becomes `F_2XX`.
public enum JournalFieldName {
    /// Longest field name journald accepts.
    public static let maximumLength = 64

    /// Fields the handler writes itself; metadata with these names is prefixed `META_` so it cannot override them.
    public static let reserved: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER"]

    /// The journald field name for `key`.
    public static func make(from key: String) -> String {
        var name = ""
        name.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                name.unicodeScalars.append(Unicode.Scalar(byte - 32))
            default:
                name.unicodeScalars.append("_")
            }
        }
        name = String(name.drop { $0 == "_" })
        if name.isEmpty || name.first!.isNumber {
            name = "F_" + name
        }
        if reserved.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(maximumLength))
    }
}
