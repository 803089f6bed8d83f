import Foundation
import Testing

@testable import Systemd

extension ProcessEnvironmentTests {
    /// `watchdogPingInterval()` against the variables systemd sets for `WatchdogSec=`.
    @Suite struct WatchdogTests {
        @Test func pingIntervalIsHalfOfWatchdogUsec() throws {
            try ProcessEnvironmentTests.withEnvironment([
                "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid()),
            ]) {
                let interval = try SystemdNotifier().watchdogPingInterval()
                #expect(interval == .seconds(15))
            }
        }

        @Test func watchdogWithoutPidApplies() throws {
            try ProcessEnvironmentTests.withEnvironment(["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": nil]) {
                let interval = try SystemdNotifier().watchdogPingInterval()
                #expect(interval == .milliseconds(500))
            }
        }

        @Test func watchdogForAnotherProcessIsIgnored() throws {
            try ProcessEnvironmentTests.withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"]) {
                let interval = try SystemdNotifier().watchdogPingInterval()
                #expect(interval == nil)
            }
        }

        @Test func noWatchdogWithoutWatchdogUsec() throws {
            try ProcessEnvironmentTests.withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
                let interval = try SystemdNotifier().watchdogPingInterval()
                #expect(interval == nil)
            }
        }

        @Test func malformedWatchdogUsecThrows() throws {
            try ProcessEnvironmentTests.withEnvironment(["WATCHDOG_USEC": "soon", "WATCHDOG_PID": String(getpid())]) {
                let error = #expect(throws: SystemdError.self) { try SystemdNotifier().watchdogPingInterval() }
                #expect(error?.description.contains("WATCHDOG_USEC") == true)
            }
        }
    }
}
