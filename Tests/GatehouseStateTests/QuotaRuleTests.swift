import GatehouseState
import Testing

@Suite struct QuotaRuleTests {
    @Test func periodsAreNamedAsInAPIGateway() {
        #expect(QuotaPeriod(rawValue: "DAY") == .day)
        #expect(QuotaPeriod(rawValue: "WEEK") == .week)
        #expect(QuotaPeriod(rawValue: "MONTH") == .month)
        #expect(QuotaPeriod(rawValue: "day") == nil)
    }

    @Test func offsetDefaultsToZero() {
        #expect(QuotaRule(limit: 10, period: .day).offset == 0)
    }
}
