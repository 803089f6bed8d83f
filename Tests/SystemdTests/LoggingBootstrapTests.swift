import Foundation
import Testing

/// `LoggingSetup.bootstrap` in a fresh process (this test binary, filtered to `LoggingBootstrapChildProbe`).
@Suite struct LoggingBootstrapTests {
    private let marker = "b\(getpid())x\(UInt64.random(in: 0...UInt64.max))"

    private func runChild(mode: String) throws -> CommandResult {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return try Command.run(
            testBinary,
            ["--testing-library", "swift-testing", "--filter", "LoggingBootstrapChildProbe"],
            environment: [
                "PATH": "/usr/bin:/bin",
                LoggingBootstrapChildProbe.modeVariable: mode,
                LoggingBootstrapChildProbe.markerVariable: marker,
            ]
        )
    }

    @Test func stderrTargetWritesOneLineToStandardError() throws {
        let result = try runChild(mode: "stderr")
        #expect(result.status == 0, "\(result.combinedOutput)")
        let lines = result.standardError.split(separator: "\n").filter { $0.contains(marker) }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(" info probe record GATEHOUSE_TEST_MARKER=\(marker) destination=stderr") == true)
    }

    @Test func journalTargetWithoutJournalWarnsAndFallsBackToStderr() throws {
        let result = try runChild(mode: "journal-missing")
        #expect(result.status == 0, "\(result.combinedOutput)")
        #expect(
            result.standardError.contains(
                " warning log_target is journal but /nonexistent/journal/socket does not exist; logging to stderr"
            )
        )
        #expect(result.standardError.contains("probe record GATEHOUSE_TEST_MARKER=\(marker) destination=stderr"))
    }

    @Test func journalTargetWritesToTheJournal() throws {
        if let reason = JournalDaemon.ensureRunning() {
            throw JournalDaemon.Unavailable(reason: reason)
        }
        let result = try runChild(mode: "journal")
        #expect(result.status == 0, "\(result.combinedOutput)")
        #expect(!result.standardError.contains(marker), "the record went to stderr instead of the journal")
        let entries = try JournalDaemon.entries(matching: [
            "SYSLOG_IDENTIFIER=gatehouse", "GATEHOUSE_TEST_MARKER=\(marker)",
        ])
        let entry = try #require(entries.first, "no journal entry with marker \(marker)")
        #expect(entry["MESSAGE"] as? String == "probe record")
        #expect(entry["DESTINATION"] as? String == "journal")
        #expect(entry["LOGGER"] as? String == "gatehouse.probe")
    }
}
