import Foundation
import SwiftASN1

/// RFC 5280 `Time` (UTCTime or GeneralizedTime) conversions for CRLs, which swift-certificates does not parse.
enum ASN1Time {
    /// Reads a UTCTime or GeneralizedTime node as a `Date`.
    static func date(from node: ASN1Node) throws -> Date {
        switch node.identifier {
        case .utcTime:
            let time = try UTCTime(derEncoded: node)
            return self.date(
                year: time.year, month: time.month, day: time.day,
                hours: time.hours, minutes: time.minutes, seconds: time.seconds, fraction: 0
            )
        case .generalizedTime:
            let time = try GeneralizedTime(derEncoded: node)
            return self.date(
                year: time.year, month: time.month, day: time.day,
                hours: time.hours, minutes: time.minutes, seconds: time.seconds,
                fraction: time.fractionalSeconds
            )
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }

    /// Whether `node` is a time (used to tell the optional `nextUpdate` from what follows it).
    static func isTime(_ node: ASN1Node) -> Bool {
        node.identifier == .utcTime || node.identifier == .generalizedTime
    }

    /// Serializes `date` as RFC 5280 requires: UTCTime through 2049, GeneralizedTime from 2050, whole seconds.
    static func serialize(_ date: Date, into coder: inout DER.Serializer) throws {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86400
        var rest = seconds % 86400
        if rest < 0 {
            rest += 86400
            days -= 1
        }
        let (year, month, day) = self.civil(fromDays: days)
        let hours = Int(rest / 3600)
        let minutes = Int(rest % 3600 / 60)
        let secs = Int(rest % 60)
        if year >= 1950 && year < 2050 {
            try coder.serialize(
                UTCTime(year: year, month: month, day: day, hours: hours, minutes: minutes, seconds: secs)
            )
        } else {
            try coder.serialize(
                GeneralizedTime(
                    year: year, month: month, day: day, hours: hours, minutes: minutes, seconds: secs,
                    fractionalSeconds: 0
                )
            )
        }
    }

    private static func date(
        year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int, fraction: Double
    ) -> Date {
        let days = self.days(year: year, month: month, day: day)
        let total = Double(days * 86400 + Int64(hours * 3600 + minutes * 60 + seconds)) + fraction
        return Date(timeIntervalSince1970: total)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    private static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
