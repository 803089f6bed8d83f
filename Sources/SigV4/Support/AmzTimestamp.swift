/// The SigV4 timestamp: ISO 8601 basic format `yyyyMMddTHHmmssZ` (from `X-Amz-Date`) or the RFC 1123 form of an
/// HTTP `Date` header, converted to and from epoch seconds by hand to keep Foundation off the hot path.
struct AmzTimestamp: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    let epochSeconds: Int
    /// The ISO 8601 basic form, as it appears in the string to sign.
    let basic: String

    init(epochSeconds: Int) {
        self.epochSeconds = epochSeconds
        self.basic = Self.format(epochSeconds)
    }

    /// Parses `yyyyMMddTHHmmssZ`; nil when malformed or out of range.
    init?(basic text: String) {
        let epoch = UTF8Bytes.with(text) { bytes -> Int? in
            guard bytes.count == 16, bytes[8] == 0x54, bytes[15] == 0x5a else { return nil }
            guard let year = Self.number(bytes, 0, 4), let month = Self.number(bytes, 4, 2),
                let day = Self.number(bytes, 6, 2), let hour = Self.number(bytes, 9, 2),
                let minute = Self.number(bytes, 11, 2), let second = Self.number(bytes, 13, 2)
            else { return nil }
            return Self.epoch(year, month, day, hour, minute, second)
        }
        guard let epoch else { return nil }
        self.epochSeconds = epoch
        self.basic = text
    }

    /// Parses the RFC 1123 form `Sun, 30 Aug 2015 12:36:00 GMT`; nil when malformed.
    init?(httpDate text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" || parts[5] == "UTC" else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let hour = Int(clock[0]),
            let minute = Int(clock[1]), let second = Int(clock[2]),
            let epoch = Self.epoch(year, monthIndex + 1, day, hour, minute, second)
        else { return nil }
        self.init(epochSeconds: epoch)
    }

    /// The `yyyyMMdd` prefix used in the credential scope.
    var date: TextSlice { TextSlice(basic, 0..<8) }

    static func format(_ epochSeconds: Int) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondsOfDay = epochSeconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            while divisor > 0 {
                out.append(UInt8(0x30 + (value / divisor) % 10))
                value %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        digits(month, 2)
        digits(day, 2)
        out.append(0x54)
        digits(secondsOfDay / 3600, 2)
        digits(secondsOfDay / 60 % 60, 2)
        digits(secondsOfDay % 60, 2)
        out.append(0x5a)
        return String(decoding: out, as: UTF8.self)
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in UnsafeBufferPointer(rebasing: bytes[start..<(start + count)]) {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static func epoch(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int)
        -> Int?
    {
        guard (1970...9999).contains(year), (1...12).contains(month), (0...23).contains(hour),
            (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        guard day >= 1 && day <= daysIn(month, of: year) else { return nil }
        return days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
