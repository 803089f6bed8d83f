import Foundation
import Testing

@testable import Systemd

extension ProcessEnvironmentTests {
    /// The notify protocol against a real datagram socket standing in for systemd's.
    @Suite struct NotifierTests {
        /// Binds a datagram socket, points NOTIFY_SOCKET at it, runs `body`, and returns what arrived.
        private func capture(
            socketName: String? = nil,
            _ body: (SystemdNotifier) throws -> Void
        ) throws -> [String] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = socketName ?? directory.file("notify")
            let fd = try TestSocket.unix(path: path, type: Int32(SOCK_DGRAM.rawValue))
            defer { close(fd) }
            try ProcessEnvironmentTests.withEnvironment(["NOTIFY_SOCKET": path]) {
                try body(SystemdNotifier())
            }
            return TestSocket.receiveDatagrams(fd)
        }

        @Test func readySendsReadyAndStatus() throws {
            var sent = false
            let messages = try capture { sent = try $0.ready(status: "serving 2 listeners") }
            #expect(sent)
            #expect(messages == ["READY=1\nSTATUS=serving 2 listeners"])
        }

        @Test func readyWithoutStatusSendsOnlyReady() throws {
            let messages = try capture { try $0.ready() }
            #expect(messages == ["READY=1"])
        }

        @Test func reloadingCarriesMonotonicTimestamp() throws {
            var before = timespec()
            clock_gettime(CLOCK_MONOTONIC, &before)
            let messages = try capture { try $0.reloading() }
            var after = timespec()
            clock_gettime(CLOCK_MONOTONIC, &after)

            let lines = try #require(messages.first).split(separator: "\n").map(String.init)
            #expect(messages.count == 1)
            #expect(lines.first == "RELOADING=1")
            let stamp = try #require(lines.first { $0.hasPrefix("MONOTONIC_USEC=") })
            let microseconds = try #require(UInt64(stamp.dropFirst("MONOTONIC_USEC=".count)))
            let lower = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1_000
            let upper = UInt64(after.tv_sec) * 1_000_000 + UInt64(after.tv_nsec) / 1_000
            #expect(microseconds >= lower && microseconds <= upper)
        }

        @Test func stoppingStatusAndWatchdog() throws {
            let messages = try capture { notifier in
                try notifier.stopping(status: "draining")
                try notifier.status("2 requests in flight")
                try notifier.watchdog()
                try notifier.extendTimeout(by: .seconds(35))
            }
            #expect(
                messages == [
                    "STOPPING=1\nSTATUS=draining", "STATUS=2 requests in flight", "WATCHDOG=1",
                    "EXTEND_TIMEOUT_USEC=35000000",
                ]
            )
        }

        @Test func statusIsKeptOnOneLine() throws {
            let messages = try capture { try $0.status("line one\nREADY=1\r\nline three") }
            // A newline would start a new assignment: a status must never be able to forge READY=1.
            #expect(messages == ["STATUS=line one READY=1 line three"])
        }

        @Test func abstractNotifySocket() throws {
            let name = "@gatehouse-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let messages = try capture(socketName: name) { try $0.ready() }
            #expect(messages == ["READY=1"])
        }

        @Test func withoutNotifySocketEverythingIsANoOp() throws {
            try ProcessEnvironmentTests.withEnvironment(["NOTIFY_SOCKET": nil]) {
                let notifier = SystemdNotifier()
                #expect(!notifier.isEnabled)
                let sent = [
                    try notifier.ready(status: "x"), try notifier.reloading(), try notifier.stopping(),
                    try notifier.status("x"), try notifier.watchdog(),
                ]
                #expect(sent == [false, false, false, false, false])
            }
        }

        @Test func unreachableNotifySocketThrowsNamingTheState() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try ProcessEnvironmentTests.withEnvironment(["NOTIFY_SOCKET": directory.file("missing")]) {
                let notifier = SystemdNotifier()
                #expect(notifier.isEnabled)
                let error = #expect(throws: SystemdError.self) { try notifier.ready() }
                #expect(error?.description.contains("READY=1") == true)
                #expect(error?.description.contains("NOTIFY_SOCKET") == true)
            }
        }

        @Test func relativeNotifySocketPathIsRejected() throws {
            try ProcessEnvironmentTests.withEnvironment(["NOTIFY_SOCKET": "relative/path"]) {
                #expect(throws: SystemdError.self) { try SystemdNotifier().watchdog() }
            }
        }
    }
}
