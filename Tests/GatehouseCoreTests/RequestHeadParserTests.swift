import NIOCore
import Testing

@testable import GatehouseCore

/// The request-head grammar (RFC 9112 §2–5, strict), the head-size limit at its boundary, and that feeding the same
/// bytes in reads of any size gives the same result.
@Suite struct RequestHeadParserTests {
    /// Heads that parse, and what they parse to.
    static let accepted: [(String, String)] = [
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", "head GET / 1.1 [Host=a] none"),
        ("GET /p?q=1 HTTP/1.0\r\n\r\n", "head GET /p?q=1 1.0 [] none"),
        ("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "head GET / 1.1 [Host=a] none"),
        ("PURGE /x HTTP/1.1\r\nhost:a\r\n\r\n", "head PURGE /x 1.1 [host=a] none"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: \t a \t b \t\r\n\r\n", "head GET / 1.1 [Host=a X-A=a \\x9 b] none"),
        (
            "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n",
            "head GET / 1.1 [Host=a X-Empty= X-Spaces=] none"
        ),
        ("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "head OPTIONS * 1.1 [Host=a] none"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX!#$%&'*+-.^_`|~: v\r\n\r\n", "head GET / 1.1 [Host=a X!#$%&'*+-.^_`|~=v] none"),
    ]

    @Test(arguments: accepted)
    func accepts(_ input: String, _ expected: String) {
        #expect(RequestDecoding.decode(input).first == expected)
    }

    @Test func obsTextIsKeptByteForByte() {
        var bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Latin: caf".utf8)
        bytes += [0xE9, 0x80, 0xFF]
        bytes += Array("\r\n\r\n".utf8)
        #expect(RequestDecoding.decode(bytes) == ["head GET / 1.1 [Host=a X-Latin=caf\\xE9\\x80\\xFF] none", "end"])
    }

    /// Heads refused with a 400, and the message.
    static let refused: [(String, String)] = [
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", "400 Bare LF in request head"),
        ("GET / HTTP/1.1\r\nHost: a\r\n\n", "400 Bare LF in request head"),
        ("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "400 Bare LF in request head"),
        ("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", "400 Bare CR in request head"),
        ("GET / HTTP/1.1\r\r\n\r\n", "400 Bare CR in request head"),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", "400 Malformed request line"),
        (" GET / HTTP/1.1\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET HTTP/1.1\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET / http/1.1\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", "400 Unsupported HTTP version"),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", "400 Malformed request line"),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "400 Obsolete line folding in a header"),
        ("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", "400 Obsolete line folding in a header"),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", "400 Whitespace before the colon of a header"),
        ("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", "400 Whitespace before the colon of a header"),
        ("GET / HTTP/1.1\r\nHo@st: a\r\n\r\n", "400 Invalid header name"),
        ("GET / HTTP/1.1\r\n: a\r\n\r\n", "400 Invalid header name"),
        ("GET / HTTP/1.1\r\nHost\r\n\r\n", "400 Invalid header name"),
        ("GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", "400 Invalid character in a header value"),
        ("GET / HTTP/1.1\r\nHost: a\u{7F}\r\n\r\n", "400 Invalid character in a header value"),
        ("GET / HTTP/1.1\r\nHost: a\u{1}\r\n\r\n", "400 Invalid character in a header value"),
    ]

    @Test(arguments: refused)
    func refuses(_ input: String, _ expected: String) {
        #expect(RequestDecoding.decode(input) == [expected])
    }

    @Test func nonASCIIInTheTargetIsRefused() {
        var bytes = Array("GET /caf".utf8)
        bytes += [0xC3, 0xA9]
        bytes += Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        #expect(RequestDecoding.decode(bytes) == ["400 Malformed request line"])
    }

    /// A head of `size` bytes in all (request line through the blank line).
    static func head(ofSize size: Int) -> String {
        let fixed = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: \r\n\r\n"
        let padding = size - fixed.utf8.count
        return "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + String(repeating: "p", count: padding) + "\r\n\r\n"
    }

    @Test(arguments: [1024, 4096, 32768])
    func headSizeLimitIsExact(_ limit: Int) {
        let limits = RequestDecoding.limits(head: limit)
        let atLimit = Self.head(ofSize: limit)
        #expect(atLimit.utf8.count == limit)
        #expect(RequestDecoding.decode(atLimit, limits: limits).first?.hasPrefix("head GET / 1.1") == true)
        #expect(RequestDecoding.decode(Self.head(ofSize: limit + 1), limits: limits) == ["431"])
        // Without its end: refused as soon as the bytes pass the limit, not when the head ends.
        let start = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: "
        let unfinished = start + String(repeating: "p", count: limit + 1 - start.utf8.count)
        #expect(RequestDecoding.decode(String(unfinished.dropLast()), limits: limits) == [])
        #expect(RequestDecoding.decode(String(unfinished.dropLast()), readSize: 1, limits: limits) == [])
        #expect(RequestDecoding.decode(unfinished, limits: limits) == ["431"])
        #expect(RequestDecoding.decode(unfinished, readSize: 7, limits: limits) == ["431"])
    }

    /// Found by `scripts/fuzz http-request`: a bare CR just past the limit of an unfinished head was answered 400 when
    /// it arrived in the same read, 431 when it came later. Bytes past the limit are not looked at: always 431.
    @Test func aMalformationPastTheLimitIsStillTooLarge() {
        let limits = RequestDecoding.limits(head: 1024)
        let start = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: "
        let padded = start + String(repeating: "p", count: 1024 - start.utf8.count)
        for tail in ["\rX", "\n", "\u{0}"] {
            let input = padded + tail
            #expect(RequestDecoding.decode(input, limits: limits) == ["431"], "\(tail.debugDescription)")
            #expect(RequestDecoding.decode(input, readSize: 1, limits: limits) == ["431"], "\(tail.debugDescription)")
        }
    }

    @Test func emptyLinesBeforeTheRequestLineDoNotCountAgainstIt() {
        let limits = RequestDecoding.limits(head: 1024)
        let head = "\r\n" + Self.head(ofSize: 1024)
        #expect(RequestDecoding.decode(head, limits: limits).first?.hasPrefix("head GET") == true)
        #expect(RequestDecoding.decode(String(repeating: "\r\n", count: 513), limits: limits) == ["431"])
    }

    @Test func fieldCountIsLimited() {
        let fields = (0..<999).map { "X-\($0): v\r\n" }.joined()
        let ok = "GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n"
        #expect(RequestDecoding.decode(ok).first?.hasPrefix("head GET") == true)
        let tooMany = "GET / HTTP/1.1\r\nHost: a\r\nX-Extra: v\r\n" + fields + "\r\n"
        #expect(RequestDecoding.decode(tooMany) == ["431"])
    }

    /// Every accepted and refused input, fed one byte per read and three per read, decodes as in one read.
    @Test func readSizeDoesNotChangeTheResult() {
        for (input, _) in Self.accepted + Self.refused {
            let whole = RequestDecoding.decode(input)
            #expect(RequestDecoding.decode(input, readSize: 1) == whole, "\(input.debugDescription)")
            #expect(RequestDecoding.decode(input, readSize: 3) == whole, "\(input.debugDescription)")
        }
    }

    @Test func parsedHeadKeepsOffsetsIntoItsBytes() throws {
        let head = try ParsedHeadFixture.head("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length:  12 \r\n\r\n")
        #expect(head.methodString == "POST")
        #expect(head.targetString == "/up")
        #expect(head.count == 52)
        #expect(head.fields.count == 2)
        #expect(head.fields[1] == ParsedRequestHead.Field(name: 28..<42, value: 45..<47))
        #expect(head.valueString(1) == "12")
        #expect(head.indices(of: "content-length") == [1])
        #expect(head.fieldIs(0, "host"))
    }
}
