import GatehouseBytes

/// The fields that decide how a message is framed and whether its connection persists, read from a parsed head in
/// one pass over its field names (compared by length first, then bytes in place). Request and response framing
/// apply their own rules to what is gathered here.
struct HTTPFramingFields {
    var hosts = 0
    var emptyHost = false
    /// The `Content-Length` value; the first, when several agree.
    var length: Int?
    var conflictingLengths = false
    /// A `Content-Length` that is not `1*DIGIT`.
    var invalidLength = false
    var transferEncodings = 0
    /// Whether the last `Transfer-Encoding` field is exactly `chunked` (case-insensitive).
    var chunked = false
    /// `Connection` options (RFC 9112 §9.3, §9.6).
    var connectionClose = false
    var connectionKeepAlive = false

    init<Head: ParsedHTTPHead>(_ head: Head) {
        for index in head.fields.indices {
            let field = head.fields[index]
            switch field.name.count {
            case 4 where head.fieldIs(index, "host"):
                hosts += 1
                if field.value.isEmpty { emptyHost = true }
            case 10 where head.fieldIs(index, "connection"):
                head.withBytes(field.value) { value in
                    HTTPListElements.forEach(in: value) { range in
                        let token = UnsafeRawBufferPointer(rebasing: value[range])
                        if ASCII.equalsIgnoringCase(token, "close".utf8) { connectionClose = true }
                        if ASCII.equalsIgnoringCase(token, "keep-alive".utf8) { connectionKeepAlive = true }
                    }
                }
            case 14 where head.fieldIs(index, "content-length"):
                guard let value = Self.decimal(head, field.value) else {
                    invalidLength = true
                    continue
                }
                if let length, length != value { conflictingLengths = true }
                length = value
            case 17 where head.fieldIs(index, "transfer-encoding"):
                transferEncodings += 1
                chunked = head.withBytes(field.value) { ASCII.equalsIgnoringCase($0, "chunked".utf8) }
            default:
                continue
            }
        }
    }

    /// The length refusals requests and responses share (RFC 9112 §6.3, RFC 9110 §8.6): a length next to a
    /// transfer coding (a smuggling sign), a length that is not digits, or one that differs from another.
    var lengthRefusal: RequestParseError? {
        if transferEncodings > 0 && (length != nil || invalidLength) {
            return .malformed("Both Content-Length and Transfer-Encoding are present")
        }
        if invalidLength { return .malformed("Invalid Content-Length") }
        if conflictingLengths { return .malformed("Conflicting Content-Length values") }
        return nil
    }

    /// The transfer-coding refusals requests and responses share: any coding in an HTTP/1.0 message (RFC 9112
    /// §6.1), and any but one `chunked` (nothing else can be undone here). `message` names the kind in the error:
    /// `request`, `response`.
    func codingRefusal(minorVersion: Int, message: StaticString) -> RequestParseError? {
        guard transferEncodings > 0 else { return nil }
        guard minorVersion == 1 else { return .malformed("Transfer-Encoding in an HTTP/1.0 \(message)") }
        guard transferEncodings == 1, chunked else { return .malformed("Unsupported Transfer-Encoding") }
        return nil
    }

    /// `1*DIGIT`, saturating at `Int.max` (any such length is over every limit); nil when not digits.
    private static func decimal<Head: ParsedHTTPHead>(_ head: Head, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        return head.withBytes(range) { bytes in
            var value = 0
            for byte in bytes {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int(byte - 0x30))
                value = overflow1 || overflow2 ? Int.max : sum
            }
            return value
        }
    }
}
