import Foundation
import Testing

@testable import Systemd

extension ProcessEnvironmentTests {
    /// `listenFDs()` in this process for the cases that never touch descriptor 3 (which the test runner may own);
    /// the real hand-over of sockets is tested through systemd-socket-activate in `SocketActivationTests`.
    @Suite struct ListenFDsEnvironmentTests {
        @Test func notSocketActivatedGivesNoSockets() throws {
            try ProcessEnvironmentTests.withEnvironment(["LISTEN_PID": nil, "LISTEN_FDS": nil, "LISTEN_FDNAMES": nil]) {
                let sockets = try SystemdSockets.listenFDs()
                #expect(sockets.isEmpty)
            }
        }

        @Test func socketsMeantForAnotherProcessAreIgnoredAndVariablesCleared() throws {
            try ProcessEnvironmentTests.withEnvironment([
                "LISTEN_PID": "1", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "https",
            ]) {
                let sockets = try SystemdSockets.listenFDs()
                #expect(sockets.isEmpty)
                #expect(ProcessEnvironmentTests.environmentValue("LISTEN_PID") == nil)
                #expect(ProcessEnvironmentTests.environmentValue("LISTEN_FDS") == nil)
                #expect(ProcessEnvironmentTests.environmentValue("LISTEN_FDNAMES") == nil)
            }
        }

        @Test func malformedListenFdsThrows() throws {
            try ProcessEnvironmentTests.withEnvironment([
                "LISTEN_PID": String(getpid()), "LISTEN_FDS": "two", "LISTEN_FDNAMES": nil,
            ]) {
                let error = #expect(throws: SystemdError.self) { try SystemdSockets.listenFDs() }
                #expect(error?.description.contains("LISTEN_FDS") == true)
            }
        }

        @Test func malformedListenPidThrows() throws {
            try ProcessEnvironmentTests.withEnvironment(["LISTEN_PID": "me", "LISTEN_FDS": "1", "LISTEN_FDNAMES": nil])
            {
                #expect(throws: SystemdError.self) { try SystemdSockets.listenFDs() }
            }
        }
    }
}
