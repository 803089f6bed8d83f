import Foundation
import Logging
import Testing

@testable import Systemd

/// StderrLogHandler end to end through a pipe standing in for standard error.
@Suite struct StderrLogHandlerTests {
    /// Logs through a handler writing into a pipe and returns the lines written.
    private func lines(_ configure: (inout Logger) -> Void) throws -> [String] {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let writeEnd = fds[1]
        var logger = Logger(label: "test") { label in StderrLogHandler(label: label, fileDescriptor: writeEnd) }
        configure(&logger)
        close(writeEnd)
        let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: false).readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Drops the timestamp, which is the only part that varies.
    private func withoutTimestamp(_ line: String) -> String {
        String(line.drop { $0 != " " }.dropFirst())
    }

    @Test func writesOneLinePerRecordWithMetadata() throws {
        let output = try lines { logger in
            logger.info("GET /prod/x 200", metadata: ["GATEHOUSE_EVENT": "access", "REQUEST_ID": "r-1"])
            logger.error("upstream reset", metadata: ["SOURCE_IP": "10.0.0.7"])
        }
        #expect(output.count == 2)
        #expect(
            output.map(withoutTimestamp) == [
                "info GET /prod/x 200 GATEHOUSE_EVENT=access REQUEST_ID=r-1",
                "error upstream reset SOURCE_IP=10.0.0.7",
            ])
        let stamp = try #require(output.first?.split(separator: " ").first)
        #expect(stamp.count == 24 && stamp.hasSuffix("Z") && stamp.contains("T"))
    }

    @Test func levelBelowThresholdIsDropped() throws {
        let output = try lines { logger in
            logger.logLevel = .notice
            logger.info("hidden")
            logger.notice("shown")
        }
        #expect(output.map(withoutTimestamp) == ["notice shown"])
    }

    @Test func callMetadataOverridesProviderOverridesHandler() throws {
        let provider = Logger.MetadataProvider { ["source": "provider", "trace": "t-1"] }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var handler = StderrLogHandler(label: "t", metadataProvider: provider, fileDescriptor: fds[1])
        handler[metadataKey: "source"] = "handler"
        handler[metadataKey: "listener"] = "https"
        var logger = Logger(label: "t") { _ in handler }
        logger[metadataKey: "listener"] = "admin"
        logger.info("one")
        logger.info("two", metadata: ["source": "call"])
        close(fds[1])
        let text = String(
            decoding: FileHandle(fileDescriptor: fds[0], closeOnDealloc: false).readDataToEndOfFile(),
            as: UTF8.self
        )
        let output = text.split(separator: "\n").map { withoutTimestamp(String($0)) }
        #expect(
            output == [
                "info one listener=admin source=provider trace=t-1", "info two listener=admin source=call trace=t-1",
            ])
    }

    @Test func attachedErrorIsLogged() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "broken pipe" } }
        let output = try lines { logger in
            logger.error("failed", error: Broken())
        }
        #expect(output.map(withoutTimestamp) == ["error failed error=\"broken pipe\""])
    }
}
