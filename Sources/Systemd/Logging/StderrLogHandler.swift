import Logging

/// A swift-log handler writing one line per record to standard error (or another descriptor).
///
/// Used when there is no journal: in a terminal, under a supervisor other than systemd, or when `log_target: stderr`.
/// Format: see ``LogLineFormatter``.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    /// The logger's label; not printed, kept for symmetry with other handlers.
    public let label: String

    private let writer: FileDescriptorWriter
    private let formatter = LogLineFormatter()

    /// - Parameter fileDescriptor: where lines go; standard error (2) unless a test captures them.
    public init(
        label: String,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        fileDescriptor: Int32 = 2
    ) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.writer = FileDescriptorWriter(fileDescriptor: fileDescriptor)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = LogRecordMetadata.merge(handler: metadata, provider: metadataProvider, event: event)
        writer.writeLine(
            formatter.formatBytes(level: event.level, message: event.message.description, metadata: merged))
    }
}
