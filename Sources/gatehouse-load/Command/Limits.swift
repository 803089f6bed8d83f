/// Upper bounds on what one run may do: the tool measures this machine and must not turn into a flood by mistake.
enum Limits {
    static let maxDurationSeconds = 600.0
    static let maxRequests = 100_000_000
    static let maxConnections = 20_000
    static let maxHeld = 50_000
    static let maxThreads = 64
    static let maxTimeoutSeconds = 120.0
    static let maxBodyBytes = 64 * 1024 * 1024
    /// Used when neither `--duration` nor `-n` is given.
    static let defaultDurationSeconds = 10.0
}
