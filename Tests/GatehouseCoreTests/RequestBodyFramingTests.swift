import Testing

@testable import GatehouseCore

/// The contract's framing rules: one non-empty Host, one `chunked` as the only transfer coding, no
/// Content-Length beside it, no differing lengths, and a declared length over the limit refused before the body.
@Suite struct RequestBodyFramingTests {
    static let cases: [(String, String)] = [
        ("", "none"),
        ("Content-Length: 5\r\n", "length(5)"),
        ("Content-Length: 0\r\n", "none"),
        ("Content-Length: 005\r\n", "length(5)"),
        ("Content-Length: 5\r\nContent-Length: 5\r\n", "length(5)"),
        ("Content-Length: 5\r\nContent-Length: 6\r\n", "400 Conflicting Content-Length values"),
        ("Content-Length: 5, 5\r\n", "400 Invalid Content-Length"),
        ("Content-Length: -1\r\n", "400 Invalid Content-Length"),
        ("Content-Length: +5\r\n", "400 Invalid Content-Length"),
        ("Content-Length:\r\n", "400 Invalid Content-Length"),
        ("Content-Length: 0x10\r\n", "400 Invalid Content-Length"),
        ("Content-Length: 100\r\n", "length(100)"),
        ("Content-Length: 101\r\n", "413"),
        ("Content-Length: 99999999999999999999999999\r\n", "413"),
        ("Transfer-Encoding: chunked\r\n", "chunked"),
        ("Transfer-Encoding: Chunked\r\n", "chunked"),
        ("Transfer-Encoding: gzip, chunked\r\n", "400 Unsupported Transfer-Encoding"),
        ("Transfer-Encoding: chunked, chunked\r\n", "400 Unsupported Transfer-Encoding"),
        ("Transfer-Encoding: identity\r\n", "400 Unsupported Transfer-Encoding"),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "400 Unsupported Transfer-Encoding"),
        ("Transfer-Encoding: \r\n", "400 Unsupported Transfer-Encoding"),
        (
            "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
            "400 Both Content-Length and Transfer-Encoding are present"
        ),
        (
            "Content-Length: x\r\nTransfer-Encoding: chunked\r\n",
            "400 Both Content-Length and Transfer-Encoding are present"
        ),
    ]

    private func framing(_ fields: String, version: String = "1.1", host: String? = "Host: a\r\n") -> String {
        let input = "POST / HTTP/\(version)\r\n" + (host ?? "") + fields + "\r\n"
        let parts = RequestDecoding.decode(input, limits: RequestDecoding.limits(body: 100))
        guard let head = parts.first, head.hasPrefix("head ") else { return parts.first ?? "nothing" }
        return String(head[head.index(after: head.lastIndex(of: "]")!)...].dropFirst())
    }

    @Test(arguments: cases)
    func bodyFraming(_ fields: String, _ expected: String) {
        #expect(framing(fields) == expected)
    }

    static let hostCases: [(String, String, String)] = [
        ("1.1", "", "400 Missing Host header"),
        ("1.1", "Host: a\r\nHost: a\r\n", "400 Multiple Host headers"),
        ("1.1", "Host: a\r\nhost: b\r\n", "400 Multiple Host headers"),
        ("1.1", "Host:\r\n", "400 Empty Host header"),
        ("1.1", "Host:   \r\n", "400 Empty Host header"),
        ("1.0", "", "none"),
        ("1.0", "Host:\r\n", "none"),
        ("1.0", "Host: a\r\nHost: b\r\n", "400 Multiple Host headers"),
    ]

    @Test(arguments: hostCases)
    func host(_ version: String, _ hosts: String, _ expected: String) {
        #expect(framing("", version: version, host: hosts) == expected)
    }

    @Test func transferEncodingInHTTP10IsRefused() {
        #expect(
            framing("Transfer-Encoding: chunked\r\n", version: "1.0", host: nil)
                == "400 Transfer-Encoding in an HTTP/1.0 request")
    }

    /// After a refused framing nothing more is read: the next bytes may be a smuggled request.
    @Test func nothingIsReadAfterARefusedFraming() {
        let input =
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
        let parts = RequestDecoding.decode(input)
        #expect(parts.count == 1)
        #expect(parts.first?.hasSuffix("400 Both Content-Length and Transfer-Encoding are present") == true)
    }
}
