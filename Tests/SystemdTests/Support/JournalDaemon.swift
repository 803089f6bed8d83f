import Foundation

/// Makes sure a journald listens on /run/systemd/journal/socket, starting the real `systemd-journald` standalone
/// when nobody does (containers and CI machines run no systemd). A started journald is left running, detached:
/// other tests in the same run may be logging to it.
enum JournalDaemon {
    /// journald cannot run here: a test that needs it fails with this rather than passing unchecked.
    struct Unavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String { "journald cannot run here: \(reason)" }
    }

    static let socketPath = "/run/systemd/journal/socket"
    static let candidates = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"]

    /// Held while checking and starting, so suites running in parallel start one daemon between them.
    private static let startLock = NSLock()

    /// Returns nil once journald accepts datagrams, or the reason it cannot run here.
    static func ensureRunning() -> String? {
        startLock.withLock { startIfNeeded() }
    }

    private static func startIfNeeded() -> String? {
        if isListening() {
            return nil
        }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return "systemd-journald is not installed (apt-get install systemd)"
        }
        guard geteuid() == 0 else {
            return "journald is not running and starting it needs root"
        }
        // A stale socket file from an earlier journald is replaced by the new one. The daemon outlives this test
        // run, so it must inherit nothing from it (see `Command.startDaemon`).
        let result = try? Command.startDaemon(binary)
        guard result?.status == 0 else {
            return "could not start \(binary): \(result?.combinedOutput ?? "python3 could not be run to start it")"
        }
        for _ in 0..<100 {
            if isListening() {
                return nil
            }
            usleep(50_000)
        }
        return "\(binary) started but \(socketPath) does not accept datagrams after 5 s"
    }

    /// Whether something receives on journald's socket: connecting a datagram socket to a path nobody has bound
    /// fails with ECONNREFUSED even though the file exists.
    static func isListening() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in socketPath.utf8.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// The entries matching `matches` (`FIELD=value`), read with journalctl, retried until `count` arrive.
    static func entries(matching matches: [String], count: Int = 1) throws -> [[String: Any]] {
        guard let journalctl = Command.which("journalctl") else {
            return []
        }
        var found: [[String: Any]] = []
        for _ in 0..<100 {
            let result = try Command.run(journalctl, ["--no-pager", "--all", "-o", "json"] + matches)
            found = result.standardOutput.split(separator: "\n").compactMap { line in
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            }
            if found.count >= count {
                return found
            }
            usleep(100_000)
        }
        return found
    }
}
