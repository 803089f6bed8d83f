import Foundation
import GatehouseBytes
import GatehouseState
import Testing

@Suite struct QuotaCalendarTests {
    /// Seconds since 1970 of a UTC date and time.
    static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0)
        -> Int64
    {
        Int64(CivilDate(year: year, month: month, day: day).daysSinceEpoch) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    @Test func dayRunsFromMidnightUTC() {
        let noon = Self.at(2026, 12, 6, 12, 30)
        #expect(QuotaCalendar.periodStart(.day, containing: noon) == Self.at(2026, 12, 6))
        #expect(QuotaCalendar.nextPeriodStart(.day, after: noon) == Self.at(2026, 12, 7))
        let lastSecond = Self.at(2026, 12, 6, 23, 59, 59)
        #expect(QuotaCalendar.periodStart(.day, containing: lastSecond) == Self.at(2026, 12, 6))
        #expect(QuotaCalendar.periodStart(.day, containing: lastSecond + 1) == Self.at(2026, 12, 7))
    }

    @Test func weekStartsOnSunday() {
        // 2026-12-06 is a Sunday, 2026-12-05 a Saturday.
        #expect(QuotaCalendar.periodStart(.week, containing: Self.at(2026, 12, 6)) == Self.at(2026, 12, 6))
        #expect(QuotaCalendar.periodStart(.week, containing: Self.at(2026, 12, 5, 23, 59, 59)) == Self.at(2026, 11, 29))
        #expect(QuotaCalendar.periodStart(.week, containing: Self.at(2026, 12, 9, 8)) == Self.at(2026, 12, 6))
        #expect(QuotaCalendar.nextPeriodStart(.week, after: Self.at(2026, 12, 12, 23, 59, 59)) == Self.at(2026, 12, 13))
        // Thursday 1970-01-01 belongs to the week of Sunday 1969-12-28.
        #expect(QuotaCalendar.periodStart(.week, containing: 0) == -4 * 86_400)
        // A week across a year boundary.
        #expect(QuotaCalendar.periodStart(.week, containing: Self.at(2027, 1, 1)) == Self.at(2026, 12, 27))
    }

    @Test func monthStartsOnTheFirst() {
        #expect(
            QuotaCalendar.periodStart(.month, containing: Self.at(2026, 12, 31, 23, 59, 59)) == Self.at(2026, 12, 1))
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2026, 12, 31, 23, 59, 59)) == Self.at(2027, 1, 1))
        #expect(QuotaCalendar.periodStart(.month, containing: Self.at(2027, 1, 1)) == Self.at(2027, 1, 1))
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2026, 4, 15)) == Self.at(2026, 5, 1))
    }

    @Test func februaryFollowsLeapYears() {
        // 2028 is a leap year, 2100 is not, 2000 was.
        #expect(QuotaCalendar.periodStart(.month, containing: Self.at(2028, 2, 29, 12)) == Self.at(2028, 2, 1))
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2028, 2, 29, 12)) == Self.at(2028, 3, 1))
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2028, 2, 1)) - Self.at(2028, 2, 1) == 29 * 86_400)
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2027, 2, 1)) - Self.at(2027, 2, 1) == 28 * 86_400)
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2100, 2, 1)) - Self.at(2100, 2, 1) == 28 * 86_400)
        #expect(QuotaCalendar.nextPeriodStart(.month, after: Self.at(2000, 2, 1)) - Self.at(2000, 2, 1) == 29 * 86_400)
        #expect(
            QuotaCalendar.periodStart(.day, containing: Self.at(2028, 2, 29, 23, 59, 59) + 1) == Self.at(2028, 3, 1))
    }

    @Test func independentOfTheProcessTimeZone() {
        setenv("TZ", "Pacific/Kiritimati", 1)
        defer { unsetenv("TZ") }
        #expect(QuotaCalendar.periodStart(.day, containing: Self.at(2026, 12, 6, 1)) == Self.at(2026, 12, 6))
    }
}
