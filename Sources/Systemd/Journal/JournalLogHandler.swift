import CSystemd
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A swift-log handler writing structured entries to journald through its native protocol (`sd_journal_sendv`).
///
/// Every metadata key becomes its own journal field (see ``JournalFieldName``), so access records can be queried
/// with `journalctl GATEHOUSE_EVENT=access STATUS=403` instead of parsing text. Each record is one datagram on
/// journald's socket: no buffering, no blocking beyond the kernel's socket buffer. When journald cannot be reached
/// the record is written to standard error in ``LogLineFormatter``'s format instead of being lost.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    /// The logger's label, recorded as the `LOGGER` field.
    public let label: String
    /// The `SYSLOG_IDENTIFIER` of every entry (`journalctl -t gatehouse`).
    public let identifier: String

    private let fallback: FileDescriptorWriter

    public init(
        label: String,
        identifier: String = "gatehouse",
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        fallbackFileDescriptor: Int32 = 2
    ) {
        self.label = label
        self.identifier = identifier
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.fallback = FileDescriptorWriter(fileDescriptor: fallbackFileDescriptor)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = LogRecordMetadata.merge(handler: metadata, provider: metadataProvider, event: event)
        let message = event.message.description
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", message),
            ("PRIORITY", String(JournalPriority.of(event.level))),
            ("SYSLOG_IDENTIFIER", identifier),
            ("LOGGER", label),
            ("CODE_FILE", event.file),
            ("CODE_LINE", String(event.line)),
            ("CODE_FUNC", event.function),
        ]
        for (key, value) in merged {
            fields.append((JournalFieldName.make(from: key), value.description))
        }
        let result = Self.send(fields)
        if result < 0 {
            var fallbackMetadata = merged
            fallbackMetadata["journal_error"] = .string(ErrnoText.describe(result))
            fallback.writeLine(
                LogLineFormatter().formatBytes(level: event.level, message: message, metadata: fallbackMetadata)
            )
        }
    }

    /// Lays every `NAME=value` out in one buffer and points an iovec at each: `sd_journal_send` is variadic and does
    /// not import into Swift. `sd_journal_sendv` switches to the binary encoding by itself when a value contains a
    /// newline, and to a memfd when the entry exceeds a datagram.
    static func send(_ fields: [(name: String, value: String)]) -> Int32 {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(fields.count)
        for field in fields {
            let start = bytes.count
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: field.value.utf8)
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!
            let vectors = ranges.map { range in
                iovec(iov_base: base + range.lowerBound, iov_len: range.count)
            }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
