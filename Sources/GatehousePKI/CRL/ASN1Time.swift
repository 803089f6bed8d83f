import Foundation
import GatehouseBytes
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
        let time = UTCDateTime(epochSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
        let (year, month, day) = (time.date.year, time.date.month, time.date.day)
        let (hours, minutes, secs) = (time.hour, time.minute, time.second)
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
        let time = UTCDateTime(
            date: CivilDate(year: year, month: month, day: day), hour: hours, minute: minutes, second: seconds)
        return Date(timeIntervalSince1970: Double(time.epochSeconds) + fraction)
    }
}
