import GatehouseBytes

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
            guard let year = ASCII.decimal(bytes[0..<4]), let month = ASCII.decimal(bytes[4..<6]),
                let day = ASCII.decimal(bytes[6..<8]), let hour = ASCII.decimal(bytes[9..<11]),
                let minute = ASCII.decimal(bytes[11..<13]), let second = ASCII.decimal(bytes[13..<15])
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
        let time = UTCDateTime(epochSeconds: epochSeconds)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        time.appendISO8601(extended: false, to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func epoch(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int)
        -> Int?
    {
        let time = UTCDateTime(
            date: CivilDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second)
        guard (1970...9999).contains(year), time.isValid else { return nil }
        return time.epochSeconds
    }
}
