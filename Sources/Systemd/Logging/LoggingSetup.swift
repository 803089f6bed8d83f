import Logging

/// Builds the process's log handlers for a ``LogTarget``.
///
/// `bootstrap` installs them globally once at start; `makeFactory` and `makeHandler` build the same handlers
/// without touching global state, for tests and for loggers created explicitly.
public enum LoggingSetup {
    /// Resolves `target`, bootstraps swift-log with the matching handler and logs the resolution's warning, if any.
    /// swift-log allows this once per process.
    @discardableResult
    public static func bootstrap(
        target: LogTarget,
        logLevel: Logger.Level = .info,
        identifier: String = "gatehouse",
        resolver: LogTargetResolver = LogTargetResolver()
    ) -> LogTargetResolution {
        let resolution = resolver.resolve(target)
        LoggingSystem.bootstrap(
            makeFactory(destination: resolution.destination, logLevel: logLevel, identifier: identifier)
        )
        if let warning = resolution.warning {
            Logger(label: identifier).warning("\(warning)")
        }
        return resolution
    }

    /// A handler factory for `LoggingSystem.bootstrap` or `Logger(label:factory:)`.
    public static func makeFactory(
        destination: LogDestination,
        logLevel: Logger.Level = .info,
        identifier: String = "gatehouse"
    ) -> @Sendable (String) -> any LogHandler {
        { label in makeHandler(label: label, destination: destination, logLevel: logLevel, identifier: identifier) }
    }

    /// One handler for `destination`.
    public static func makeHandler(
        label: String,
        destination: LogDestination,
        logLevel: Logger.Level = .info,
        identifier: String = "gatehouse"
    ) -> any LogHandler {
        switch destination {
        case .journal:
            return JournalLogHandler(label: label, identifier: identifier, logLevel: logLevel)
        case .stderr:
            return StderrLogHandler(label: label, logLevel: logLevel)
        }
    }
}
