import Foundation
import Logging
import Testing

@testable import Systemd

/// JournalLogHandler against a real journald, read back with journalctl.
@Suite(.serialized) struct JournaldTests {
    /// A marker no other entry in the journal carries.
    private let marker = "m\(getpid())x\(UInt64.random(in: 0...UInt64.max))"

    private func journalLogger(label: String = "gatehouse.test", level: Logger.Level = .info) throws -> Logger {
        if let reason = JournalDaemon.ensureRunning() {
            throw JournalDaemon.Unavailable(reason: reason)
        }
        var logger = Logger(label: label) { JournalLogHandler(label: $0) }
        logger.logLevel = level
        return logger
    }

    @Test func accessRecordArrivesWithEveryFieldUppercased() throws {
        let logger = try journalLogger()
        logger.info(
            "GET /prod/users/42 200",
            metadata: [
                "GATEHOUSE_TEST_MARKER": .string(marker),
                "GATEHOUSE_EVENT": "access",
                "REQUEST_ID": "6f1c2b1e-6a43-4c53-9a57-1d2f8b0c9e11",
                "SOURCE_IP": "127.0.0.1",
                "latency_ms": .stringConvertible(12),
                "client.cert.uri": "spiffe://corp.internal/ns/prod/orders",
                "detail": "first line\nsecond line",
            ]
        )
        let entries = try JournalDaemon.entries(matching: [
            "SYSLOG_IDENTIFIER=gatehouse", "GATEHOUSE_TEST_MARKER=\(marker)",
        ])
        let entry = try #require(entries.first, "no journal entry with marker \(marker)")
        #expect(entries.count == 1)
        #expect(entry["MESSAGE"] as? String == "GET /prod/users/42 200")
        #expect(entry["PRIORITY"] as? String == "6")
        #expect(entry["SYSLOG_IDENTIFIER"] as? String == "gatehouse")
        #expect(entry["GATEHOUSE_EVENT"] as? String == "access")
        #expect(entry["REQUEST_ID"] as? String == "6f1c2b1e-6a43-4c53-9a57-1d2f8b0c9e11")
        #expect(entry["SOURCE_IP"] as? String == "127.0.0.1")
        #expect(entry["LATENCY_MS"] as? String == "12")
        #expect(entry["CLIENT_CERT_URI"] as? String == "spiffe://corp.internal/ns/prod/orders")
        #expect(entry["DETAIL"] as? String == "first line\nsecond line")
        #expect(entry["LOGGER"] as? String == "gatehouse.test")
        #expect((entry["CODE_FILE"] as? String)?.hasSuffix("JournaldTests.swift") == true)
        #expect(entry["CODE_LINE"] as? String != nil)
        // The native protocol, not the stdout stream or syslog.
        #expect(entry["_TRANSPORT"] as? String == "journal")
        #expect(entry["_PID"] as? String == String(getpid()))
    }

    @Test func levelsMapToSyslogPriorities() throws {
        let logger = try journalLogger(level: .trace)
        let levels: [(Logger.Level, String)] = [
            (.trace, "7"), (.debug, "7"), (.info, "6"), (.notice, "5"), (.warning, "4"), (.error, "3"),
            (.critical, "2"),
        ]
        for (level, _) in levels {
            logger.log(level: level, "level \(level.rawValue)", metadata: ["GATEHOUSE_TEST_MARKER": .string(marker)])
        }
        let entries = try JournalDaemon.entries(matching: ["GATEHOUSE_TEST_MARKER=\(marker)"], count: levels.count)
        let priorities = Dictionary(
            uniqueKeysWithValues: entries.compactMap { entry -> (String, String)? in
                guard let message = entry["MESSAGE"] as? String, let priority = entry["PRIORITY"] as? String else {
                    return nil
                }
                return (message, priority)
            }
        )
        for (level, priority) in levels {
            #expect(priorities["level \(level.rawValue)"] == priority, "level \(level)")
        }
    }

    @Test func handlerMetadataAndReservedNamesDoNotOverrideStandardFields() throws {
        var logger = try journalLogger()
        logger[metadataKey: "listener"] = "https"
        logger.warning(
            "tls handshake failed",
            metadata: [
                "GATEHOUSE_TEST_MARKER": .string(marker), "MESSAGE": "forged", "SYSLOG_IDENTIFIER": "forged",
            ]
        )
        let entries = try JournalDaemon.entries(matching: ["GATEHOUSE_TEST_MARKER=\(marker)"])
        let entry = try #require(entries.first)
        #expect(entry["MESSAGE"] as? String == "tls handshake failed")
        #expect(entry["SYSLOG_IDENTIFIER"] as? String == "gatehouse")
        #expect(entry["META_MESSAGE"] as? String == "forged")
        #expect(entry["META_SYSLOG_IDENTIFIER"] as? String == "forged")
        #expect(entry["LISTENER"] as? String == "https")
    }

    @Test func entryLargerThanADatagramStillArrives() throws {
        let logger = try journalLogger()
        let body = String(repeating: "x", count: 300_000)
        logger.info("large", metadata: ["GATEHOUSE_TEST_MARKER": .string(marker), "BODY": .string(body)])
        let entries = try JournalDaemon.entries(matching: ["GATEHOUSE_TEST_MARKER=\(marker)"])
        let entry = try #require(entries.first)
        #expect((entry["BODY"] as? String)?.count == body.count)
    }
}
