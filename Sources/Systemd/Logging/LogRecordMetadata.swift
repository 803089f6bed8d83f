import Logging

/// Merges the three metadata sources swift-log defines, in its order of precedence.
enum LogRecordMetadata {
    /// Handler metadata, overridden by the metadata provider, overridden by the call's own metadata; an attached
    /// error becomes an `error` entry unless the call already has one.
    static func merge(
        handler: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        event: LogEvent
    ) -> Logger.Metadata {
        // The common case (an access record on a plain logger) needs no dictionary merge at all.
        if handler.isEmpty, provider == nil, event.error == nil {
            return event.metadata ?? [:]
        }
        var merged = handler
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = .string(String(describing: error))
        }
        return merged
    }
}
