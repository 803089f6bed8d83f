import Foundation
import Logging
import Testing

@testable import Systemd

/// The stderr line format: `TIMESTAMP LEVEL MESSAGE key=value ...`, one record per line.
@Suite struct LogLineFormatterTests {
    /// 2026-11-28T14:41:05.123Z
    private let timestamp = timespec(tv_sec: 1_795_876_865, tv_nsec: 123_456_789)

    @Test func timestampLevelMessageAndSortedPairs() {
        let line = LogLineFormatter().format(
            level: .info,
            message: "GET /prod/x 200",
            metadata: ["STATUS": "200", "GATEHOUSE_EVENT": "access", "LATENCY_MS": .stringConvertible(12)],
            timestamp: timestamp
        )
        #expect(
            line == "2026-11-28T14:41:05.123Z info GET /prod/x 200 GATEHOUSE_EVENT=access LATENCY_MS=12 STATUS=200\n")
    }

    @Test func noMetadataIsJustTheMessage() {
        let line = LogLineFormatter().format(
            level: .warning, message: "reload failed", metadata: [:], timestamp: timestamp)
        #expect(line == "2026-11-28T14:41:05.123Z warning reload failed\n")
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("", "\"\""),
        ("two words", "\"two words\""),
        ("a=b", "\"a=b\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("back\\slash", "\"back\\\\slash\""),
        ("line\nbreak", "\"line\\nbreak\""),
        ("tab\there", "\"tab\\there\""),
        ("bell\u{07}", "\"bell\\x07\""),
        ("CN=orders,OU=svc", "\"CN=orders,OU=svc\""),
        ("spiffe://corp.internal/ns/prod/orders", "spiffe://corp.internal/ns/prod/orders"),
        ("ünïcode", "\"ünïcode\""),
        ("del\u{7F}", "\"del\\x7f\""),
        ("/prod/x STATUS=200 PRINCIPAL=arn:aws:iam::1:root", "\"/prod/x STATUS=200 PRINCIPAL=arn:aws:iam::1:root\""),
    ])
    func valuesAreQuotedWhenNeeded(value: String, expected: String) {
        #expect(LogLineFormatter.value(value) == expected)
    }

    @Test func messageNewlinesAreEscapedSoARecordIsOneLine() {
        let line = LogLineFormatter().format(
            level: .error,
            message: "first\nsecond\r\nthird",
            metadata: ["detail": "a\nb"],
            timestamp: timestamp
        )
        #expect(line == "2026-11-28T14:41:05.123Z error first\\nsecond\\r\\nthird detail=\"a\\nb\"\n")
        #expect(line.filter { $0 == "\n" || $0 == "\r\n" }.count == 1)
    }

    @Test func keysThatWouldBreakParsingAreSanitised() {
        #expect(LogLineFormatter.key("a key") == "a_key")
        #expect(LogLineFormatter.key("k=v") == "k_v")
        #expect(LogLineFormatter.key("") == "_")
        #expect(LogLineFormatter.key("request_id") == "request_id")
    }

    @Test func nestedMetadataIsPrinted() {
        let line = LogLineFormatter().format(
            level: .info,
            message: "m",
            metadata: ["list": ["a", "b"]],
            timestamp: timestamp
        )
        #expect(line == #"2026-11-28T14:41:05.123Z info m list="[\"a\", \"b\"]""# + "\n")
    }

    @Test func timestampPadsEveryField() {
        let early = timespec(tv_sec: 946_688_461, tv_nsec: 7_000_000)  // 2000-01-01T01:01:01.007Z
        #expect(LogLineFormatter.iso8601(early) == "2000-01-01T01:01:01.007Z")
    }
}
