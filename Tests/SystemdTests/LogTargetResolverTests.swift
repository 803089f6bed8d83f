import Foundation
import Testing

@testable import Systemd

/// `log_target` rules (contract section 6) against real descriptors and a real socket file.
@Suite struct LogTargetResolverTests {
    /// A directory with a bound unix socket (standing in for journald's) and an open file (standing in for the
    /// stream systemd connects to standard error).
    private struct Fixture {
        let directory: TemporaryDirectory
        let socketPath: String
        let socketFD: Int32
        let streamFD: Int32
        let otherFD: Int32

        init() throws {
            directory = try TemporaryDirectory()
            socketPath = directory.file("journal.socket")
            socketFD = try TestSocket.unix(path: socketPath, type: Int32(SOCK_DGRAM.rawValue))
            streamFD = open(directory.file("stream"), O_CREAT | O_RDWR, 0o600)
            otherFD = open(directory.file("other"), O_CREAT | O_RDWR, 0o600)
        }

        /// `JOURNAL_STREAM` naming `fd`.
        func journalStream(of fd: Int32) -> String {
            var status = stat()
            fstat(fd, &status)
            return "\(status.st_dev):\(status.st_ino)"
        }

        func resolver(journalStream: String?, socketPath: String? = nil) -> LogTargetResolver {
            LogTargetResolver(
                journalStream: journalStream,
                standardErrorDescriptor: streamFD,
                journalSocketPath: socketPath ?? self.socketPath
            )
        }

        func close() {
            Glibc.close(socketFD)
            Glibc.close(streamFD)
            Glibc.close(otherFD)
            directory.remove()
        }
    }

    @Test func autoUsesJournalWhenJournalStreamNamesStderr() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let resolver = fixture.resolver(journalStream: fixture.journalStream(of: fixture.streamFD))
        #expect(resolver.standardErrorIsJournal)
        #expect(resolver.resolve(.auto) == LogTargetResolution(destination: .journal))
    }

    @Test func autoUsesStderrWhenJournalStreamNamesAnotherFile() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        // Inherited from a parent whose stderr went to the journal, but ours was redirected elsewhere.
        let resolver = fixture.resolver(journalStream: fixture.journalStream(of: fixture.otherFD))
        #expect(!resolver.standardErrorIsJournal)
        #expect(resolver.resolve(.auto) == LogTargetResolution(destination: .stderr))
    }

    @Test(arguments: [nil, "", "garbage", "12", "12:", ":34", "a:b", "1:2:3", "-1:5"] as [String?])
    func autoUsesStderrForMissingOrMalformedJournalStream(value: String?) throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        #expect(fixture.resolver(journalStream: value).resolve(.auto).destination == .stderr)
    }

    @Test func autoUsesStderrWhenTheJournalSocketIsGone() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let resolver = fixture.resolver(
            journalStream: fixture.journalStream(of: fixture.streamFD),
            socketPath: fixture.directory.file("missing")
        )
        #expect(resolver.resolve(.auto).destination == .stderr)
    }

    @Test func journalUsesJournalWheneverTheSocketExists() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        #expect(fixture.resolver(journalStream: nil).resolve(.journal) == LogTargetResolution(destination: .journal))
    }

    @Test func journalWithoutSocketFallsBackToStderrWithAWarning() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let missing = fixture.directory.file("missing")
        let resolution = fixture.resolver(journalStream: nil, socketPath: missing).resolve(.journal)
        #expect(resolution.destination == .stderr)
        #expect(resolution.warning == "log_target is journal but \(missing) does not exist; logging to stderr")
    }

    @Test func journalRefusesARegularFileAtTheSocketPath() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let resolution = fixture.resolver(journalStream: nil, socketPath: fixture.directory.file("stream"))
            .resolve(.journal)
        #expect(resolution.destination == .stderr)
        #expect(resolution.warning != nil)
    }

    @Test func stderrIsAlwaysStderr() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let resolver = fixture.resolver(journalStream: fixture.journalStream(of: fixture.streamFD))
        #expect(resolver.resolve(.stderr) == LogTargetResolution(destination: .stderr))
    }

    @Test func journalStreamParsing() {
        #expect(JournalStream("8:12345") == JournalStream(device: 8, inode: 12345))
        #expect(JournalStream("8:12345:1") == nil)
        #expect(JournalStream(" 8:1") == nil)
        #expect(JournalStream(fileDescriptor: -1) == nil)
    }

    @Test func logTargetParsesConfigurationValues() {
        #expect(LogTarget(rawValue: "auto") == .auto)
        #expect(LogTarget(rawValue: "journal") == .journal)
        #expect(LogTarget(rawValue: "stderr") == .stderr)
        #expect(LogTarget(rawValue: "syslog") == nil)
        #expect(LogTarget(rawValue: "Journal") == nil)
    }

    @Test func factoryMakesTheHandlerForTheDestination() {
        let journal = LoggingSetup.makeFactory(destination: .journal, logLevel: .debug)("a")
        let stderr = LoggingSetup.makeFactory(destination: .stderr)("b")
        #expect(journal is JournalLogHandler)
        #expect(journal.logLevel == .debug)
        #expect((journal as? JournalLogHandler)?.identifier == "gatehouse")
        #expect(stderr is StderrLogHandler)
        #expect(stderr.logLevel == .info)
    }
}
