import Testing

@testable import GatehouseCore

/// Chunked bodies (RFC 9112 §7.1) under the limits: declared sizes, extensions and trailers against
/// `max_body_bytes` (100 here), the 4 KiB size line, and the framing bytes.
@Suite struct ChunkedBodyDecoderTests {
    static let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

    static func body(_ chunks: String, limit: Int = 100) -> [String] {
        Array(RequestDecoding.decode(head + chunks, limits: RequestDecoding.limits(body: limit)).dropFirst())
    }

    static let x50 = String(repeating: "x", count: 50)
    static let x99 = String(repeating: "x", count: 99)
    static let x100 = String(repeating: "x", count: 100)

    static let cases: [(String, [String])] = [
        ("5\r\nhello\r\n0\r\n\r\n", ["body hello", "end"]),
        ("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", ["body hello world", "end"]),
        ("A\r\n0123456789\r\n0\r\n\r\n", ["body 0123456789", "end"]),
        ("a\r\n0123456789\r\n0\r\n\r\n", ["body 0123456789", "end"]),
        ("0000000005\r\nhello\r\n0\r\n\r\n", ["body hello", "end"]),
        ("5;name=value\r\nhello\r\n0;x\r\n\r\n", ["body hello", "end"]),
        ("5 ;name\r\nhello\r\n0\r\n\r\n", ["body hello", "end"]),
        ("5\r\nhello\r\n0\r\nX-Trailer: v\r\nX-Other:w\r\n\r\n", ["body hello", "end"]),
        ("0\r\n\r\n", ["end"]),
        ("5 \r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk extension"]),
        ("5 x\r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk extension"]),
        ("5;a\u{1}\r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk extension"]),
        (";x\r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk size"]),
        ("\r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk size"]),
        ("x\r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk size"]),
        ("-5\r\nhello\r\n0\r\n\r\n", ["400 Invalid chunk size"]),
        ("5\nhello\r\n0\r\n\r\n", ["400 Invalid chunk size"]),
        ("5\r\rhello\r\n0\r\n\r\n", ["400 Invalid chunk framing"]),
        ("5\r\nhelloX\r\n0\r\n\r\n", ["body hello", "400 Invalid chunk framing"]),
        ("5\r\nhello\rX0\r\n\r\n", ["body hello", "400 Invalid chunk framing"]),
        ("5\r\nhello\r\n0\r\n folded\r\n\r\n", ["body hello", "400 Invalid trailer field"]),
        ("5\r\nhello\r\n0\r\nNo-Colon\r\n\r\n", ["body hello", "400 Invalid trailer field"]),
        ("5\r\nhello\r\n0\r\nX: a\u{0}\r\n\r\n", ["body hello", "400 Invalid trailer field"]),
        ("5\r\nhello\r\n0\r\n\r\r", ["body hello", "400 Invalid chunk framing"]),
        // The limit: declared data, extensions and trailers together.
        ("64\r\n\(x100)\r\n0\r\n\r\n", ["body \(x100)", "end"]),
        ("65\r\n", ["413"]),
        ("65", ["413"]),
        ("ffffffffffffffffffffffff\r\n", ["413"]),
        ("32\r\n\(x50)\r\n33\r\n", ["body \(x50)", "413"]),
        ("63;x\r\n\(x99)\r\n0\r\n\r\n", ["413"]),
        ("63\r\n\(x99)\r\n0\r\nab", ["body \(x99)", "413"]),
        ("62\r\n\(x99.dropLast())\r\n0\r\nX:\r\n\r\n", ["body \(x99.dropLast())", "end"]),
    ]

    @Test(arguments: cases)
    func decodes(_ chunks: String, _ expected: [String]) {
        #expect(Self.body(chunks) == expected)
        #expect(Self.body(chunks).count == expected.count)
    }

    @Test(arguments: cases)
    func readSizeDoesNotChangeTheResult(_ chunks: String, _ expected: [String]) {
        let input = Self.head + chunks
        let limits = RequestDecoding.limits(body: 100)
        let whole = RequestDecoding.decode(input, limits: limits)
        #expect(RequestDecoding.decode(input, readSize: 1, limits: limits) == whole)
        #expect(RequestDecoding.decode(input, readSize: 2, limits: limits) == whole)
    }

    /// The declared size is refused on its digits: the data it announces is never waited for.
    @Test func aHugeDeclaredChunkIsRefusedBeforeItsData() {
        #expect(Self.body("100000", limit: 1_048_576) == [])
        #expect(Self.body("1000000", limit: 1_048_576) == ["413"])
        #expect(Self.body("100001", limit: 1_048_576) == ["413"])
    }

    @Test func sizeLineLimitIsExact() {
        let limit = 1 << 20
        let atLimit = "1;" + String(repeating: "a", count: 4094)
        #expect(atLimit.utf8.count == 4096)
        #expect(Self.body(atLimit + "\r\nz\r\n0\r\n\r\n", limit: limit) == ["body z", "end"])
        #expect(Self.body(atLimit + "a\r\nz\r\n0\r\n\r\n", limit: limit) == ["400 Chunk size line too long"])
        let digits = String(repeating: "0", count: 4096)
        #expect(Self.body(digits + "\r\n\r\n", limit: limit) == ["end"])
        #expect(Self.body(digits + "0\r\n\r\n", limit: limit) == ["400 Chunk size line too long"])
    }

    @Test func bodySlicesShareTheInput() {
        var decoder = ChunkedBodyDecoder(maxBodyBytes: 100)
        var input = ByteBufferFixture.buffer("5\r\nhello\r\n0\r\n\r\nNEXT")
        var steps: [ChunkedBodyDecoder.Step] = []
        while true {
            let step = try? decoder.next(&input)
            guard let step else { break }
            steps.append(step)
            if step == .end || step == .needMore { break }
        }
        #expect(steps == [.data(ByteBufferFixture.buffer("hello")), .end])
        #expect(String(buffer: input) == "NEXT", "the next request's bytes are left")
    }
}
