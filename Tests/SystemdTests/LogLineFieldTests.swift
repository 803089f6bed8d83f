import Glibc
import Testing

@testable import Systemd

/// The typed fields per-request records use: the same text as the generic `field(_:_:)` would print for the value's
/// string form, without making that string.
@Suite struct LogLineFieldTests {
    private func fields(_ build: (inout LogLine) -> Void) -> String {
        var line = LogLine(level: .info, message: "m", timestamp: timespec(tv_sec: 0, tv_nsec: 0))
        build(&line)
        let text = String(decoding: line.finish(), as: UTF8.self)
        return String(text.dropFirst("1970-01-01T00:00:00.000Z info m".count).dropLast())
    }

    @Test(arguments: [
        (0, "0.0"), (4, "0.004"), (40, "0.04"), (400, "0.4"), (1250, "1.25"), (875, "0.875"), (12000, "12.0"),
        (1001, "1.001"), (123_456_789, "123456.789"), (-1500, "-1.5"),
    ])
    func thousandthsPrintAsDecimals(thousandths: Int, text: String) {
        #expect(LogLine.decimalText(thousandths: thousandths) == text)
        #expect(fields { $0.field("LATENCY_MS", thousandths: thousandths) } == " LATENCY_MS=" + text)
    }

    @Test func decimalsReadBackAsTheDoubleSwiftWouldPrint() {
        for thousandths in [0, 1, 9, 10, 99, 100, 999, 1000, 1234, 60_000, 300_000_001] {
            let value = Double(thousandths) / 1000
            #expect(LogLine.decimalText(thousandths: thousandths) == String(value), "\(thousandths)")
        }
    }

    @Test(arguments: [0, 7, 200, 1234, Int.max, -3, Int.min])
    func integersPrintTheirDigits(value: Int) {
        #expect(fields { $0.field("STATUS", integer: value) } == " STATUS=\(value)")
    }

    @Test(arguments: ["plain", "", "two words", "a=b", "quote\"d", "back\\slash", "tab\there", "ü", "x\u{7F}"])
    func staticKeysQuoteValuesLikeTheGenericField(value: String) {
        #expect(fields { $0.field("KEY" as StaticString, value) } == fields { $0.field("KEY" as String, value) })
    }

    /// Quoted values written byte for byte: runs copied whole, `"` and `\` escaped, control bytes as `\n`, `\t`,
    /// `\xHH`, non-ASCII kept.
    @Test(arguments: [
        ("", #"KEY="""#),
        ("CN=bench,O=Gatehouse", #"KEY="CN=bench,O=Gatehouse""#),
        ("a \"b\" c", #"KEY="a \"b\" c""#),
        ("\"start and end\\", #"KEY="\"start and end\\""#),
        ("line\nbreak\ttab\r", #"KEY="line\nbreak\ttab\r""#),
        ("bell\u{07}del\u{7F}", #"KEY="bell\x07del\x7f""#),
        ("ü = ü", #"KEY="ü = ü""#),
        ("plain", "KEY=plain"),
    ])
    func valuesAreQuotedAndEscapedExactly(value: String, expected: String) {
        #expect(fields { $0.field("KEY" as StaticString, value) } == " " + expected)
    }
}
