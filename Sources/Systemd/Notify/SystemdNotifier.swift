import CSystemd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Tells systemd about the service's state over `NOTIFY_SOCKET` (`Type=notify` units).
///
/// Every call is a no-op returning `false` when the process was not started by systemd (no `NOTIFY_SOCKET`), so the
/// gateway calls it unconditionally. Each method returns `true` when the message was delivered. A value type with no
/// state: `sd_notify` reads the environment on every call, which keeps it `Sendable` and cheap to pass around.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// Whether a notification socket is configured, i.e. whether the calls below will send anything.
    public var isEnabled: Bool {
        getenv("NOTIFY_SOCKET") != nil
    }

    /// `READY=1`: every listener accepts (start-up finished, or a reload completed). `STATUS=` is sent with it.
    @discardableResult
    public func ready(status: String? = nil) throws -> Bool {
        try send(["READY=1"] + Self.statusAssignment(status))
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (required by systemd 253+ for `Type=notify-reload`; older versions
    /// ignore it). Follow with `ready(status:)` once the reload finished, whether it succeeded or not.
    @discardableResult
    public func reloading(status: String? = nil) throws -> Bool {
        try send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"] + Self.statusAssignment(status))
    }

    /// `STOPPING=1`: SIGTERM received, draining in-flight requests.
    @discardableResult
    public func stopping(status: String? = nil) throws -> Bool {
        try send(["STOPPING=1"] + Self.statusAssignment(status))
    }

    /// `STATUS=`: a one-line summary shown by `systemctl status`. Newlines are replaced by spaces.
    @discardableResult
    public func status(_ text: String) throws -> Bool {
        try send(Self.statusAssignment(text))
    }

    /// `WATCHDOG=1`: the keep-alive ping; send it every `watchdogPingInterval()`.
    @discardableResult
    public func watchdog() throws -> Bool {
        try send(["WATCHDOG=1"])
    }

    /// `EXTEND_TIMEOUT_USEC=`: asks systemd to wait `duration` longer than its start/stop timeout, e.g. while
    /// draining for a `drain_timeout` longer than `TimeoutStopSec=`.
    @discardableResult
    public func extendTimeout(by duration: Duration) throws -> Bool {
        try send(["EXTEND_TIMEOUT_USEC=\(Self.microseconds(duration))"])
    }

    /// How often to send `watchdog()`: half of `WATCHDOG_USEC`, as sd_watchdog_enabled(3) recommends, or `nil` when
    /// systemd does not watch this process (no `WatchdogSec=`, or `WATCHDOG_PID` names another process).
    public func watchdogPingInterval() throws -> Duration? {
        var microseconds: UInt64 = 0
        let result = sd_watchdog_enabled(0, &microseconds)
        guard result >= 0 else {
            throw SystemdError.watchdog(errno: result)
        }
        guard result > 0, microseconds > 0 else {
            return nil
        }
        return .microseconds(Int64(clamping: microseconds / 2))
    }

    /// Sends raw `KEY=VALUE` assignments in one datagram. Prefer the named methods.
    @discardableResult
    public func send(_ assignments: [String]) throws -> Bool {
        let state = assignments.joined(separator: "\n")
        let result = sd_notify(0, state)
        guard result >= 0 else {
            throw SystemdError.notify(errno: result, state: state)
        }
        return result > 0
    }

    private static func statusAssignment(_ status: String?) -> [String] {
        guard let status else {
            return []
        }
        let oneLine = status.split(omittingEmptySubsequences: false) { $0.isNewline }.joined(separator: " ")
        return ["STATUS=" + oneLine]
    }

    private static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    private static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else {
            return 0
        }
        return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
    }
}
