/// A UTC calendar date and time of day with whole seconds, converted to and from seconds since the Unix epoch:
/// what the timestamp formats (SigV4's `yyyyMMddTHHmmssZ`, IAM's `aws:CurrentTime`, ASN.1 `UTCTime`) are made of.
public struct UTCDateTime: Sendable, Hashable {
    public var date: CivilDate
    /// 0...23.
    public var hour: Int
    /// 0...59.
    public var minute: Int
    /// 0...60 (a leap second is accepted when parsing and counted as the next minute's first second).
    public var second: Int

    public init(date: CivilDate, hour: Int, minute: Int, second: Int) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The time `epochSeconds` seconds after 1970-01-01T00:00:00Z (before it when negative).
    public init(epochSeconds: Int) {
        var days = epochSeconds / 86_400
        var secondOfDay = epochSeconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        self.date = CivilDate(daysSinceEpoch: days)
        self.hour = secondOfDay / 3600
        self.minute = secondOfDay / 60 % 60
        self.second = secondOfDay % 60
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int {
        date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Whether the date is valid and the time within 00:00:00...23:59:60.
    public var isValid: Bool {
        date.isValid && (0...23).contains(hour) && (0...59).contains(minute) && (0...60).contains(second)
    }

    /// Appends `yyyy-MM-ddTHH:mm:ss` (ISO 8601 extended form), or `yyyyMMddTHHmmss` (basic form) when `extended` is
    /// false, without a zone: the caller adds `Z`, after fractional seconds if it has them. The one formatter of log
    /// timestamps, `aws:CurrentTime` and `X-Amz-Date`.
    public func appendISO8601(extended: Bool, to out: inout [UInt8]) {
        ASCII.appendDecimal(date.year, width: 4, to: &out)
        if extended { out.append(UInt8(ascii: "-")) }
        ASCII.appendDecimal(date.month, width: 2, to: &out)
        if extended { out.append(UInt8(ascii: "-")) }
        ASCII.appendDecimal(date.day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        ASCII.appendDecimal(hour, width: 2, to: &out)
        if extended { out.append(ASCII.colon) }
        ASCII.appendDecimal(minute, width: 2, to: &out)
        if extended { out.append(ASCII.colon) }
        ASCII.appendDecimal(second, width: 2, to: &out)
    }
}
