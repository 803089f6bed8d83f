import Foundation

/// Runs real tools (systemd-analyze, journalctl, systemd-socket-activate) and collects their output.
enum Command {
    /// Runs `executable` with `arguments` to completion.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = environment
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently with the process so a full pipe cannot deadlock it.
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet {
            usleep(1_000)
        }
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.value, as: UTF8.self)
        )
    }

    /// Starts `executable` as a daemon in its own session, with standard input, output and error on /dev/null and
    /// no other descriptor inherited; returns the helper's exit status once the daemon has been started.
    ///
    /// Foundation's `Process` cannot do this itself: it hands every child one end of a socket pair and reports the
    /// child's exit only when that socket closes, so a daemon that inherits it (through `setsid --fork`, say) keeps
    /// `waitUntilExit` waiting forever, and a daemon that inherits a pipe keeps its reader waiting for end-of-file.
    /// Python's `subprocess` closes every other descriptor in the child (`close_fds`), which is what a daemon needs.
    static func startDaemon(_ executable: String) throws -> CommandResult {
        let script = """
            import subprocess, sys
            subprocess.Popen([sys.argv[1]], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
            """
        return try run("/usr/bin/env", ["python3", "-c", script, executable])
    }

    /// Finds a tool in the usual system directories.
    static func which(_ name: String) -> String? {
        for directory in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/lib/systemd", "/lib/systemd"] {
            let path = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
        }
        return nil
    }
}
