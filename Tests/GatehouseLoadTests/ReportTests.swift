import Foundation
import NIOCore
import NIOSSL
import Testing

@testable import gatehouse_load

@Suite("Report, error kinds and small helpers")
struct ReportTests {
    @Test("JSON report: snake_case keys, every error kind, percentiles in microseconds")
    func json() throws {
        var stats = StatsSnapshot()
        for micros in 1...1000 {
            stats.recordLatency(nanoseconds: Int64(micros) * 1000)
        }
        stats.responses = 1000
        stats.successes = 990
        stats.connectionsOpened = 4
        stats.recordError(.status5xx, "502 Bad Gateway")
        let report = LoadReport(
            target: "https://127.0.0.1:1/", mode: "keep-alive", connections: 4, threads: 1, elapsedSeconds: 2,
            stats: stats
        )
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        )
        #expect(object["requests_per_second"] as? Double == 500)
        let latency = try #require(object["latency_microseconds"] as? [String: Any])
        #expect((latency["p50"] as? Int).map { (495...505).contains($0) } == true)
        #expect((latency["p99_9"] as? Int).map { (995...1001).contains($0) } == true)
        let errors = try #require(object["errors"] as? [String: Int])
        #expect(Set(errors.keys) == Set(ErrorKind.allCases.map(\.rawValue)))
        #expect(errors["status_5xx"] == 1)
        #expect((object["error_samples"] as? [String: String])?["status_5xx"] == "502 Bad Gateway")
    }

    @Test("text report says 'none' without errors and lists them otherwise")
    func text() {
        var stats = StatsSnapshot()
        stats.responses = 1
        stats.recordLatency(nanoseconds: 1_000)
        let clean = LoadReport(
            target: "t", mode: "keep-alive", connections: 1, threads: 1, elapsedSeconds: 1, stats: stats
        )
        #expect(clean.text().contains("errors        none"))
        stats.recordError(.tls, "handshake failed")
        let failing = LoadReport(
            target: "t", mode: "keep-alive", connections: 1, threads: 1, elapsedSeconds: 1, stats: stats
        )
        #expect(failing.text().contains("tls 1"))
        #expect(failing.text().contains("first tls: handshake failed"))
    }

    @Test("latencies beyond the histogram's range are clamped, not lost")
    func clamping() {
        var stats = StatsSnapshot()
        stats.recordLatency(nanoseconds: 3_600_000_000_000)
        #expect(stats.latency.totalCount == 1)
    }

    @Test("merging adds counts and keeps the first sample")
    func merge() {
        var a = StatsSnapshot()
        a.responses = 2
        a.recordError(.reset, "first")
        var b = StatsSnapshot()
        b.responses = 3
        b.recordError(.reset, "second")
        b.recordLatency(nanoseconds: 5_000)
        a.merge(b)
        #expect(a.responses == 5)
        #expect(a.errors[.reset] == 2)
        #expect(a.errorSamples[.reset] == "first")
        #expect(a.latency.totalCount == 1)
    }

    @Test("error classification: TLS before the handshake, reset after")
    func classify() {
        #expect(ErrorKind.classify(NIOSSLError.uncleanShutdown, handshakeCompleted: false) == .tls)
        #expect(ErrorKind.classify(NIOSSLError.uncleanShutdown, handshakeCompleted: true) == .reset)
        #expect(ErrorKind.classify(NIOSSLError.handshakeFailed(.unknownError([])), handshakeCompleted: true) == .tls)
        #expect(ErrorKind.classify(IOError(errnoCode: 104, reason: "read"), handshakeCompleted: true) == .reset)
        #expect(ErrorKind.classify(ChannelError.eof, handshakeCompleted: false) == .tls)
    }

    @Test("the -n budget hands out exactly COUNT tickets")
    func budget() {
        let budget = RequestBudget(count: 3)
        #expect((0..<5).map { _ in budget.take() } == [true, true, true, false, false])
    }
}
