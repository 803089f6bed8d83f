/// The outcome of resolving a ``LogTarget``: the destination, and a warning to log when the requested target
/// could not be honoured (e.g. `log_target: journal` on a machine without journald).
public struct LogTargetResolution: Hashable, Sendable {
    public let destination: LogDestination
    public let warning: String?

    public init(destination: LogDestination, warning: String? = nil) {
        self.destination = destination
        self.warning = warning
    }
}
