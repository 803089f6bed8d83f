import GatehouseBytes
import Testing

@Suite struct CivilDateTests {
    @Test(arguments: [
        (CivilDate(year: 1970, month: 1, day: 1), 0),
        (CivilDate(year: 1969, month: 12, day: 31), -1),
        (CivilDate(year: 2000, month: 2, day: 29), 11_016),
        (CivilDate(year: 2000, month: 3, day: 1), 11_017),
        (CivilDate(year: 2015, month: 8, day: 30), 16_677),
        (CivilDate(year: 2038, month: 1, day: 19), 24_855),
        (CivilDate(year: 1600, month: 1, day: 1), -135_140),
        (CivilDate(year: 9999, month: 12, day: 31), 2_932_896),
    ])
    func knownDays(date: CivilDate, days: Int) {
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }

    /// Day by day across four centuries each side of 1970: every day follows the one before on the calendar.
    @Test func roundTripsAndAdvancesOneDayAtATime() {
        var previous = CivilDate(daysSinceEpoch: -150_000)
        for days in -149_999...150_000 {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.isValid)
            #expect(date.daysSinceEpoch == days)
            if previous.day == CivilDate.daysIn(month: previous.month, year: previous.year) {
                let expectedMonth = previous.month == 12 ? 1 : previous.month + 1
                let expectedYear = previous.month == 12 ? previous.year + 1 : previous.year
                #expect(date == CivilDate(year: expectedYear, month: expectedMonth, day: 1))
            } else {
                #expect(date == CivilDate(year: previous.year, month: previous.month, day: previous.day + 1))
            }
            previous = date
        }
    }

    @Test func validity() {
        #expect(CivilDate(year: 2024, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2100, month: 2, day: 29).isValid)
        #expect(CivilDate(year: 2000, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2026, month: 4, day: 31).isValid)
        #expect(!CivilDate(year: 2026, month: 13, day: 1).isValid)
        #expect(!CivilDate(year: 2026, month: 0, day: 1).isValid)
        #expect(!CivilDate(year: 2026, month: 1, day: 0).isValid)
    }

    @Test func dateTimeFromAndToEpochSeconds() {
        let time = UTCDateTime(epochSeconds: 1_440_938_160)
        #expect(time == UTCDateTime(date: CivilDate(year: 2015, month: 8, day: 30), hour: 12, minute: 36, second: 0))
        #expect(time.epochSeconds == 1_440_938_160)
        let before = UTCDateTime(epochSeconds: -1)
        #expect(
            before == UTCDateTime(date: CivilDate(year: 1969, month: 12, day: 31), hour: 23, minute: 59, second: 59))
        #expect(before.epochSeconds == -1)
        #expect(UTCDateTime(epochSeconds: -86_400).date == CivilDate(year: 1969, month: 12, day: 31))
        #expect(!UTCDateTime(date: CivilDate(year: 2026, month: 1, day: 1), hour: 24, minute: 0, second: 0).isValid)
        #expect(UTCDateTime(date: CivilDate(year: 2026, month: 1, day: 1), hour: 23, minute: 59, second: 60).isValid)
    }

    @Test func iso8601ExtendedAndBasicForms() {
        func text(_ epochSeconds: Int, extended: Bool) -> String {
            var out = Array(">".utf8)
            UTCDateTime(epochSeconds: epochSeconds).appendISO8601(extended: extended, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(1_440_938_160, extended: true) == ">2015-08-30T12:36:00")
        #expect(text(1_440_938_160, extended: false) == ">20150830T123600")
        #expect(text(946_688_461, extended: true) == ">2000-01-01T01:01:01")
        #expect(text(0, extended: false) == ">19700101T000000")
        #expect(text(-1, extended: true) == ">1969-12-31T23:59:59")
        #expect(text(253_402_300_799, extended: true) == ">9999-12-31T23:59:59")
    }
}
