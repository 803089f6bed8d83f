import GatehouseBytes

/// How a request's body is delimited (RFC 9112 §6), decided from its head under the contract's framing rules, which
/// refuse every head two parsers could read two ways (request smuggling):
/// - HTTP/1.1 needs exactly one `Host`, and it must not be empty; HTTP/1.0 may have none, never two;
/// - `Content-Length` with `Transfer-Encoding` is 400, so are `Content-Length`s that differ or are not digits;
/// - the only transfer coding is one `chunked`, in one field (`gzip, chunked`, `chunked, chunked`, `identity` and
///   two fields are 400), and never in HTTP/1.0 (RFC 9112 §6.1);
/// - a declared length over `max_body_bytes` is 413 before any body byte is read.
enum RequestBodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked

    static func decide(for head: ParsedRequestHead, maxBodyBytes: Int) -> Result<Self, RequestParseError> {
        var hosts = 0
        var emptyHost = false
        var length: Int?
        var conflictingLengths = false
        var invalidLength = false
        var transferEncodings = 0
        var chunked = false
        for index in head.fields.indices {
            let field = head.fields[index]
            switch field.name.count {
            case 4 where head.fieldIs(index, "host"):
                hosts += 1
                if field.value.isEmpty { emptyHost = true }
            case 14 where head.fieldIs(index, "content-length"):
                guard let value = decimal(head, field.value) else {
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
        if transferEncodings > 0 && (length != nil || invalidLength) {
            return .failure(.malformed("Both Content-Length and Transfer-Encoding are present"))
        }
        if invalidLength { return .failure(.malformed("Invalid Content-Length")) }
        if conflictingLengths { return .failure(.malformed("Conflicting Content-Length values")) }
        if hosts > 1 { return .failure(.malformed("Multiple Host headers")) }
        if head.minorVersion == 1 {
            if hosts == 0 { return .failure(.malformed("Missing Host header")) }
            if emptyHost { return .failure(.malformed("Empty Host header")) }
        }
        if transferEncodings > 0 {
            guard head.minorVersion == 1 else {
                return .failure(.malformed("Transfer-Encoding in an HTTP/1.0 request"))
            }
            guard transferEncodings == 1, chunked else { return .failure(.malformed("Unsupported Transfer-Encoding")) }
            return .success(.chunked)
        }
        guard let length else { return .success(.none) }
        if length > maxBodyBytes { return .failure(.bodyTooLarge) }
        return .success(length == 0 ? .none : .length(length))
    }

    /// `1*DIGIT`, saturating at `Int.max` (any such length is over every limit); nil when not digits.
    private static func decimal(_ head: ParsedRequestHead, _ range: Range<Int>) -> Int? {
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
