import Foundation

/// Date parsing and formatting for the `Date*` condition operators and `aws:CurrentTime`.
///
/// IAM accepts the W3C profile of ISO 8601 (`2026-11-28`, `2026-11-28T14:40Z`, `2026-11-28T14:40:51.250+01:00`)
/// and epoch seconds (`1795877451`). A hand-written parser is used because it is exact about what it accepts and
/// costs nothing per request; a value made only of digits is read as epoch seconds (so a bare year `2026` is
/// not accepted as a year).
enum PolicyDate {
    /// Parses an IAM date condition value, or nil when it is not one.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if let epoch = parseEpoch(bytes) { return Date(timeIntervalSince1970: epoch) }
        return parseW3C(bytes)
    }

    /// `2026-11-28T14:40:51Z`: the form AWS uses for `aws:CurrentTime`.
    static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func parseEpoch(_ bytes: [UInt8]) -> Double? {
        var index = 0
        if bytes[0] == UInt8(ascii: "-") { index = 1 }
        var sawDigit = false
        var sawDot = false
        while index < bytes.count {
            let byte = bytes[index]
            if isDigit(byte) {
                sawDigit = true
            } else if byte == UInt8(ascii: "."), !sawDot, sawDigit {
                sawDot = true
            } else {
                return nil
            }
            index += 1
        }
        guard sawDigit, bytes.last != UInt8(ascii: ".") else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int64? {
        guard range.upperBound <= bytes.count else { return nil }
        var value: Int64 = 0
        for index in range {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
        }
        return value
    }

    private static func parseW3C(_ bytes: [UInt8]) -> Date? {
        guard let year = number(bytes, 0..<4) else { return nil }
        guard bytes.count >= 7, bytes[4] == UInt8(ascii: "-"), let month = number(bytes, 5..<7),
            (1...12).contains(month)
        else { return nil }
        var day: Int64 = 1
        if bytes.count > 7 {
            guard bytes.count >= 10, bytes[7] == UInt8(ascii: "-"), let parsedDay = number(bytes, 8..<10),
                parsedDay >= 1, parsedDay <= daysIn(month: month, year: year)
            else { return nil }
            day = parsedDay
        }
        var seconds = Double(days(fromYear: year, month: month, day: day)) * 86_400
        if bytes.count == 7 || bytes.count == 10 { return Date(timeIntervalSince1970: seconds) }
        guard bytes[10] == UInt8(ascii: "T"), let hour = number(bytes, 11..<13), hour < 24,
            bytes.count > 13, bytes[13] == UInt8(ascii: ":"), let minute = number(bytes, 14..<16), minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        var index = 16
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let second = number(bytes, index + 1..<index + 3), second <= 60 else { return nil }
            seconds += Double(second)
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                var scale = 0.1
                index += 1
                let fractionStart = index
                while index < bytes.count, isDigit(bytes[index]) {
                    seconds += Double(bytes[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
                guard index > fractionStart else { return nil }
            }
        }
        guard let offset = parseZone(bytes, from: index) else { return nil }
        return Date(timeIntervalSince1970: seconds - Double(offset))
    }

    /// `Z` or `±hh:mm` / `±hhmm`, as seconds east of UTC; the zone designator is required with a time.
    private static func parseZone(_ bytes: [UInt8], from index: Int) -> Int64? {
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            return index + 1 == bytes.count ? 0 : nil
        }
        let sign: Int64
        switch bytes[index] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        guard let hours = number(bytes, index + 1..<index + 3), hours < 24 else { return nil }
        var minuteStart = index + 3
        if minuteStart < bytes.count, bytes[minuteStart] == UInt8(ascii: ":") { minuteStart += 1 }
        guard minuteStart + 2 == bytes.count, let minutes = number(bytes, minuteStart..<minuteStart + 2), minutes < 60
        else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(fromYear:month:day:)` (Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
