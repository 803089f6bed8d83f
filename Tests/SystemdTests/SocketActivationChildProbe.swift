import Foundation
import Testing

@testable import Systemd

/// Runs only inside the child that `SocketActivationTests` starts through systemd-socket-activate (the variable
/// below is set there and nowhere else); it reports what `listenFDs()` found for the parent to check.
@Suite struct SocketActivationChildProbe {
    static let reportVariable = "GATEHOUSE_SYSTEMD_PROBE_REPORT"

    @Test(.enabled(if: getenv(reportVariable) != nil, "only runs as the socket-activated child"))
    func reportPassedSockets() throws {
        let reportPath = String(cString: getenv(Self.reportVariable))
        var lines: [String] = []
        let sockets = try SystemdSockets.listenFDs()
        for socket in sockets {
            lines.append(
                "\(socket.fileDescriptor) \(socket.name) \(socket.localAddress) "
                    + (socket.isListening ? "listening" : "not-listening")
            )
        }
        lines.append(getenv("LISTEN_FDS") == nil ? "LISTEN_FDS unset" : "LISTEN_FDS still set")
        let assigned = try SystemdSockets.assign(sockets, toListenersNamed: ["https", "admin", "unused"])
        lines.append(
            "assign "
                + ["https", "admin"].map { name in
                    "\(name)=" + (assigned[name]?.map { String($0.fileDescriptor) }.joined(separator: ",") ?? "-")
                }.joined(separator: " ")
        )
        do {
            _ = try SystemdSockets.assign(sockets, toListenersNamed: ["https"])
            lines.append("unknown-name accepted")
        } catch {
            lines.append("unknown-name error: \(error)")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: reportPath, atomically: true, encoding: .utf8)
    }
}
