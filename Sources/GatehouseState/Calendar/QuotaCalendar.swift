import GatehouseBytes

/// The UTC calendar periods quotas count in (contract section 7): DAY from 00:00, WEEK from Sunday 00:00, MONTH
/// from the 1st. Whole seconds since 1970 in and out, computed on civil dates so leap years and month lengths
/// come from one place (``CivilDate``) rather than from Foundation's calendars and the process's time zone.
public enum QuotaCalendar {
    static let secondsPerDay: Int64 = 86_400

    /// The first second of the period of `period` that contains `seconds`.
    public static func periodStart(_ period: QuotaPeriod, containing seconds: Int64) -> Int64 {
        let day = floorDiv(seconds, secondsPerDay)
        switch period {
        case .day:
            return day * secondsPerDay
        case .week:
            // 1970-01-01 was a Thursday: day 0 is weekday 4 counting from Sunday = 0.
            let weekday = floorMod(day + 4, 7)
            return (day - weekday) * secondsPerDay
        case .month:
            var date = CivilDate(daysSinceEpoch: Int(day))
            date.day = 1
            return Int64(date.daysSinceEpoch) * secondsPerDay
        }
    }

    /// The first second of the period after the one that contains `seconds`: when a count starts again.
    public static func nextPeriodStart(_ period: QuotaPeriod, after seconds: Int64) -> Int64 {
        let start = periodStart(period, containing: seconds)
        switch period {
        case .day:
            return start + secondsPerDay
        case .week:
            return start + 7 * secondsPerDay
        case .month:
            var date = CivilDate(daysSinceEpoch: Int(start / secondsPerDay))
            date.month += 1
            if date.month > 12 {
                date.month = 1
                date.year += 1
            }
            return Int64(date.daysSinceEpoch) * secondsPerDay
        }
    }

    /// The earliest start among the current periods of every kind: rows of the store from this second on are the
    /// ones any quota can still count against.
    public static func earliestCurrentStart(at seconds: Int64) -> Int64 {
        QuotaPeriod.allCases.map { periodStart($0, containing: seconds) }.min() ?? seconds
    }

    private static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    private static func floorMod(_ value: Int64, _ divisor: Int64) -> Int64 {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
