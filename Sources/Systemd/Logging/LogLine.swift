import GatehouseBytes
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One log line built straight into UTF-8 bytes: `TIMESTAMP LEVEL MESSAGE key=value key="quoted value"\n`.
///
/// This is the whole of the stderr line format; ``LogLineFormatter`` uses it for swift-log records, and the
/// gateway writes its access records with it directly, without building a `Logger.Metadata` dictionary per request.
/// Fields must be added in key order so the same record always prints the same way.
public struct LogLine: Sendable {
    public private(set) var bytes: [UInt8] = []

    /// Starts a line with the timestamp, level and (escaped) message.
    public init(level: Logger.Level, message: String, timestamp: timespec = LogLineFormatter.now(), capacity: Int = 256)
    {
        bytes.reserveCapacity(capacity)
        Self.appendTimestamp(timestamp, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: level.rawValue.utf8)
        bytes.append(UInt8(ascii: " "))
        Self.appendEscaped(message, to: &bytes)
    }

    /// Starts a line at the end of `bytes`, which it takes over until ``finish(into:)`` hands them back with the line
    /// appended: lines gathered in one buffer are written where they end up, without an array per line.
    public init(continuing bytes: inout [UInt8], level: Logger.Level, message: String, timestamp: timespec) {
        swap(&self.bytes, &bytes)
        Self.appendTimestamp(timestamp, to: &self.bytes)
        self.bytes.append(UInt8(ascii: " "))
        self.bytes.append(contentsOf: level.rawValue.utf8)
        self.bytes.append(UInt8(ascii: " "))
        Self.appendEscaped(message, to: &self.bytes)
    }

    /// Continues the message (escaped like it); only before the first field.
    public mutating func appendToMessage(_ text: String) {
        Self.appendEscaped(text, to: &bytes)
    }

    /// Continues the message with `value` in decimal digits (nothing to escape, no `String` made).
    public mutating func appendToMessage(integer value: Int) {
        Self.appendInteger(value, to: &bytes)
    }

    /// Continues the message with `thousandths / 1000` written as ``decimalText(thousandths:)`` writes it.
    public mutating func appendToMessage(thousandths: Int) {
        Self.appendDecimal(thousandths: thousandths, to: &bytes)
    }

    /// Appends ` key=value`, the key sanitised and the value quoted when needed.
    public mutating func field(_ key: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        Self.appendKey(key, to: &bytes)
        bytes.append(UInt8(ascii: "="))
        Self.appendValue(value, to: &bytes)
    }

    /// Appends ` key=value` for a key known to be plain (letters, digits, `_`): the key is copied without the
    /// sanitising scan. For the fixed field names of records written per request.
    public mutating func field(_ key: StaticString, _ value: String) {
        appendPlainKey(key)
        Self.appendValue(value, to: &bytes)
    }

    /// Appends ` key=N` in decimal digits, for a plain key (see ``field(_:_:)-(StaticString,_)``).
    public mutating func field(_ key: StaticString, integer: Int) {
        appendPlainKey(key)
        Self.appendInteger(integer, to: &bytes)
    }

    /// Appends ` key=D`, where D is `thousandths / 1000` as a decimal with one to three fractional digits (see
    /// ``decimalText(thousandths:)``), for a plain key.
    public mutating func field(_ key: StaticString, thousandths: Int) {
        appendPlainKey(key)
        Self.appendDecimal(thousandths: thousandths, to: &bytes)
    }

    /// `1250` → `1.25`, `12000` → `12.0`, `4` → `0.004`: thousandths as a decimal with trailing zeros dropped but
    /// one fractional digit kept — how Swift prints a `Double` of that value, without formatting a `Double`.
    public static func decimalText(thousandths: Int) -> String {
        var bytes: [UInt8] = []
        appendDecimal(thousandths: thousandths, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func appendPlainKey(_ key: StaticString) {
        bytes.append(UInt8(ascii: " "))
        key.withUTF8Buffer { key in
            assert(key.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "\"") })
            bytes.append(contentsOf: key)
        }
        bytes.append(UInt8(ascii: "="))
    }

    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        ASCII.appendDecimal(value, width: 1, to: &bytes)
    }

    static func appendDecimal(thousandths: Int, to bytes: inout [UInt8]) {
        if thousandths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = thousandths.magnitude
        ASCII.appendDecimal(Int(magnitude / 1000), width: 1, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        var fraction = Int(magnitude % 1000)
        var width = 3
        while width > 1 && fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        ASCII.appendDecimal(fraction, width: width, to: &bytes)
    }

    /// The finished line, with its trailing newline.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Ends a line started with ``init(continuing:level:message:timestamp:)``: its newline is appended and the bytes,
    /// everything before the line included, go back to `bytes`.
    public mutating func finish(into bytes: inout [UInt8]) {
        self.bytes.append(UInt8(ascii: "\n"))
        swap(&self.bytes, &bytes)
    }

    /// `2026-11-28T14:41:00.123Z`: UTC with milliseconds, sortable and unambiguous. The calendar arithmetic and
    /// the form are `UTCDateTime`'s, as for SigV4 and policy dates.
    static func appendTimestamp(_ time: timespec, to bytes: inout [UInt8]) {
        UTCDateTime(epochSeconds: Int(time.tv_sec)).appendISO8601(extended: true, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        ASCII.appendDecimal(Int(time.tv_nsec / 1_000_000), width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Keys are printed bare: anything that would break `key=value` parsing becomes `_`.
    static func appendKey(_ key: String, to bytes: inout [UInt8]) {
        guard !key.isEmpty else {
            bytes.append(UInt8(ascii: "_"))
            return
        }
        let breaks: (UInt8) -> Bool = { byte in
            byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
        }
        if !key.utf8.contains(where: breaks) {
            bytes.append(contentsOf: key.utf8)
            return
        }
        for byte in key.utf8 {
            bytes.append(breaks(byte) ? UInt8(ascii: "_") : byte)
        }
    }

    /// Values are quoted when empty or when they contain spaces, quotes, `=`, backslashes, control characters or
    /// anything outside ASCII; inside the quotes `"` and `\` are escaped with `\`, control bytes as `\n`, `\r`,
    /// `\t` or `\xHH`, and non-ASCII UTF-8 is kept as it is. So a value taken from a request (a path, a header) can
    /// neither end its field early nor plant a `KEY=value` pair or a line break of its own: a logfmt reader sees
    /// exactly the fields written. Scanning UTF-8 bytes finds the same characters as scanning scalars: every byte of
    /// a multi-byte scalar is 0x80 or above.
    static func appendValue(_ value: String, to bytes: inout [UInt8]) {
        // Empty values are common in access records (no API key, no plan, no error): `""` without a scan.
        if value.isEmpty {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "\""), count: 2))
            return
        }
        let breaks: (UInt8) -> Bool = { byte in
            byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "\\")
        }
        // Native strings are scanned and copied as one contiguous buffer.
        let copiedPlain = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.isEmpty, !utf8.contains(where: breaks) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copiedPlain == true { return }
        let needsQuotes = value.isEmpty || value.utf8.contains(where: breaks)
        guard needsQuotes else {
            bytes.append(contentsOf: value.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        let copiedQuoted = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            // Runs that need no escape (a certificate subject's `CN=…,O=…` is one run) are copied whole.
            var runStart = 0
            for (index, byte) in utf8.enumerated() where needsEscape(byte) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendQuotedByte(byte, to: &bytes)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            return true
        }
        if copiedQuoted != true {
            for byte in value.utf8 { appendQuotedByte(byte, to: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Bytes a quoted value cannot hold as they are: `"`, `\` and control bytes.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func appendQuotedByte(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(byte)
        default: appendEscapedControl(byte, to: &bytes)
        }
    }

    /// Messages are not quoted, but control characters are escaped so a record stays on one line.
    static func appendEscaped(_ message: String, to bytes: inout [UInt8]) {
        let copiedPlain = message.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copiedPlain == true { return }
        if !message.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            bytes.append(contentsOf: message.utf8)
            return
        }
        for byte in message.utf8 {
            appendEscapedControl(byte, to: &bytes)
        }
    }

    private static func appendEscapedControl(_ byte: UInt8, to bytes: inout [UInt8]) {
        let escape: UInt8
        switch byte {
        case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
        case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
        case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
        case 0..<0x20, 0x7F:
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(UInt8(ascii: "x"))
            Hex.append(byte: byte, to: &bytes)
            return
        default:
            bytes.append(byte)
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(escape)
    }
}
