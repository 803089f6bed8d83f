import Foundation
import Testing

/// Every test that changes this process's environment (NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*) lives in a sub-suite of
/// this one, so they run one at a time: libsystemd reads these variables with getenv on every call.
@Suite(.serialized)
enum ProcessEnvironmentTests {
    /// Sets `variables` (nil unsets), runs `body`, then restores every variable's previous value.
    @discardableResult
    static func withEnvironment<Result>(
        _ variables: [String: String?],
        _ body: () throws -> Result
    ) throws -> Result {
        var previous: [String: String?] = [:]
        for (name, value) in variables {
            previous[name] = getenv(name).map { String(cString: $0) }
            if let value {
                setenv(name, value, 1)
            } else {
                unsetenv(name)
            }
        }
        defer {
            for (name, value) in previous {
                if let value {
                    setenv(name, value, 1)
                } else {
                    unsetenv(name)
                }
            }
        }
        return try body()
    }

    static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
