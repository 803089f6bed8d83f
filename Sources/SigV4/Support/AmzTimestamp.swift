import GatehouseBytes

/// The SigV4 timestamp: ISO 8601 basic format `yyyyMMddTHHmmssZ` (from `X-Amz-Date`) or the RFC 1123 form of an
/// HTTP `Date` header, converted to and from epoch seconds by hand to keep Foundation off the hot path.
struct AmzTimestamp: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    let epochSeconds: Int
    /// The ISO 8601 basic form's 16 bytes, held inline: a `String` of 16 bytes is one byte too long to be stored
    /// without an allocation, and every verified request has a timestamp.
    private let basicHead: UInt64
    private let basicTail: UInt64

    init(epochSeconds: Int) {
        self.init(validBasic: Self.basicBytes(epochSeconds), epochSeconds: epochSeconds)
    }

    /// Parses `yyyyMMddTHHmmssZ`; nil when malformed or out of range.
    init?(basic text: String) {
        guard let parsed = UTF8Bytes.with(text, { AmzTimestamp(basic: $0) }) else { return nil }
        self = parsed
    }

    /// Parses `yyyyMMddTHHmmssZ` from bytes (a header value read in place); nil when malformed or out of range.
    init?(basic bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 16, bytes[8] == 0x54, bytes[15] == 0x5a else { return nil }
        guard let year = ASCII.decimal(bytes[0..<4]), let month = ASCII.decimal(bytes[4..<6]),
            let day = ASCII.decimal(bytes[6..<8]), let hour = ASCII.decimal(bytes[9..<11]),
            let minute = ASCII.decimal(bytes[11..<13]), let second = ASCII.decimal(bytes[13..<15]),
            let epoch = Self.epoch(year, month, day, hour, minute, second)
        else { return nil }
        self.init(validBasic: bytes, epochSeconds: epoch)
    }

    /// `basic` is 16 bytes.
    private init(validBasic basic: UnsafeBufferPointer<UInt8>, epochSeconds: Int) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(basic)) }
        self.epochSeconds = epochSeconds
        basicHead = words.0
        basicTail = words.1
    }

    private init(validBasic basic: [UInt8], epochSeconds: Int) {
        // Years 1970–9999 only: a signer's clock, not a client's input.
        precondition(basic.count == 16, "a timestamp's basic form is 16 bytes")
        self = basic.withUnsafeBufferPointer { AmzTimestamp(validBasic: $0, epochSeconds: epochSeconds) }
    }

    /// The ISO 8601 basic form's bytes, as they appear in the string to sign.
    func withBasic<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBytes(of: (basicHead, basicTail)) { body($0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The ISO 8601 basic form as text (messages, the signer's `X-Amz-Date`).
    var basic: String {
        withBasic { String(decoding: $0, as: UTF8.self) }
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

    /// The `yyyyMMdd` prefix used in the credential scope (a small `String`: no allocation).
    var date: TextSlice {
        TextSlice(withBasic { String(decoding: UnsafeBufferPointer(rebasing: $0[0..<8]), as: UTF8.self) })
    }

    /// The basic form of any time, as text (messages).
    static func format(_ epochSeconds: Int) -> String {
        String(decoding: basicBytes(epochSeconds), as: UTF8.self)
    }

    private static func basicBytes(_ epochSeconds: Int) -> [UInt8] {
        let time = UTCDateTime(epochSeconds: epochSeconds)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        time.appendISO8601(extended: false, to: &out)
        out.append(UInt8(ascii: "Z"))
        return out
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
