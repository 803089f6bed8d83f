import Foundation
import Testing

@testable import Systemd

/// Real socket activation: systemd-socket-activate binds two ports and execs this test binary, filtered to
/// `SocketActivationChildProbe`, which calls `listenFDs()` and writes what it received to a file.
@Suite struct SocketActivationTests {
    @Test func passedSocketsArriveWithNamesAndAddresses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let report = directory.file("probe.txt")
        let httpsPort = try TestSocket.freeLoopbackPort()
        var adminPort = try TestSocket.freeLoopbackPort()
        while adminPort == httpsPort {
            adminPort = try TestSocket.freeLoopbackPort()
        }
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")

        let activator = Process()
        activator.executableURL = URL(
            fileURLWithPath: try #require(
                Command.which("systemd-socket-activate"),
                "systemd-socket-activate is not installed (scripts/setup installs systemd)"))
        activator.arguments = [
            "-l", "127.0.0.1:\(httpsPort)", "-l", "127.0.0.1:\(adminPort)", "--fdname=https:admin",
            "-E", "\(SocketActivationChildProbe.reportVariable)=\(report)",
            "-E", "PATH=/usr/bin:/bin",
            testBinary, "--testing-library", "swift-testing", "--filter", "SocketActivationChildProbe",
        ]
        activator.standardInput = FileHandle.nullDevice
        activator.standardOutput = FileHandle.nullDevice
        activator.standardError = FileHandle.nullDevice
        try activator.run()
        defer {
            if activator.isRunning {
                kill(activator.processIdentifier, SIGKILL)
            }
        }

        // systemd-socket-activate execs the service on the first connection, like a .socket unit would.
        try connectWithRetry(port: httpsPort)
        let deadline = Date().addingTimeInterval(60)
        while activator.isRunning && Date() < deadline {
            usleep(50_000)
        }
        #expect(!activator.isRunning, "the socket-activated child did not finish within 60 s")

        let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "3 https 127.0.0.1:\(httpsPort) listening",
                "4 admin 127.0.0.1:\(adminPort) listening",
                "LISTEN_FDS unset",
                "assign https=3 admin=4",
                "unknown-name error: systemd passed a socket named 'admin' (fd 4, 127.0.0.1:\(adminPort)) but no "
                    + "listener has that name; listeners are https (set FileDescriptorName= in the .socket unit to "
                    + "a listener name)",
            ]
        )
    }

    private func connectWithRetry(port: Int) throws {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if result == 0 {
                return
            }
            usleep(50_000)
        }
        throw POSIXError(.ECONNREFUSED)
    }
}
