import NIOHTTP1
import Testing

@testable import GatehouseCore
@testable import SigV4

/// The request line and connection semantics read from a parsed head, as NIO's `HTTPRequestHead.isKeepAlive`
/// decides them (RFC 9112 §9.3).
@Suite struct RequestLineTests {
    @Test func readsMethodTargetAndVersion() throws {
        let line = RequestLine(try ParsedHeadFixture.head("PATCH /a/b?c=d HTTP/1.0\r\nHost: h\r\n\r\n"))
        #expect(line.method == .PATCH)
        #expect(line.uri == "/a/b?c=d")
        #expect(line.version == .http1_0)
    }

    @Test func unknownMethodsAreKeptAsSent() throws {
        let line = RequestLine(try ParsedHeadFixture.head("PURGE / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(line.method == .RAW(value: "PURGE"))
    }

    @Test(arguments: [
        ("HTTP/1.1", "", true),
        ("HTTP/1.1", "Connection: close\r\n", false),
        ("HTTP/1.1", "Connection: Upgrade, CLOSE\r\n", false),
        ("HTTP/1.1", "Connection: keep-alive\r\nConnection: close\r\n", false),
        ("HTTP/1.1", "Connection: closed\r\n", true),
        ("HTTP/1.0", "", false),
        ("HTTP/1.0", "Connection: Keep-Alive\r\n", true),
        ("HTTP/1.0", "Connection: foo ,keep-alive\r\n", true),
        ("HTTP/1.0", "Connection: keep-alives\r\n", false),
    ])
    func keepAliveFollowsTheVersionAndConnectionTokens(version: String, fields: String, keepAlive: Bool) throws {
        let head = try ParsedHeadFixture.head("GET / \(version)\r\nHost: h\r\n\(fields)\r\n")
        #expect(RequestLine(head).isKeepAlive == keepAlive)
    }
}

/// Reading named values from a parsed head without a header dictionary.
@Suite struct ParsedRequestHeadLookupTests {
    @Test func firstValueMatchesNamesCaseInsensitively() throws {
        let head = try ParsedHeadFixture.head("GET / HTTP/1.1\r\nHOST: a\r\nUser-Agent: x/1\r\nuser-agent: y\r\n\r\n")
        #expect(head.firstValue("host") == "a")
        #expect(head.firstValue("user-agent") == "x/1")
        #expect(head.firstValue("x-apigw-api-id") == nil)
    }

    @Test func expectContinueIsAListToken() throws {
        let yes = try ParsedHeadFixture.head("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\r\n")
        let no = try ParsedHeadFixture.head("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continued\r\n\r\n")
        #expect(yes.listContains("100-continue", inFieldsNamed: "expect"))
        #expect(!no.listContains("100-continue", inFieldsNamed: "expect"))
    }

    @Test func sigV4ReadsTheFieldsInPlace() throws {
        let head = try ParsedHeadFixture.head("GET /a?b HTTP/1.1\r\nHost: h\r\nX-U: grüße\r\n\r\n")
        head.withSigV4Request(method: "GET", path: "/a", query: "b") { request in
            #expect(request.fields.count == 2)
            #expect(request.headers.map(\.name) == ["Host", "X-U"])
            #expect(request.headers.map(\.value) == ["h", "grüße"])
            #expect(request.path == "/a" && request.query == "b" && request.method == "GET")
        }
    }

    @Test func obsTextValuesAreKeptAsBytesForSigV4() throws {
        var bytes = Array("PATCH / HTTP/1.0\r\nHost: h\r\nX-L: caf".utf8)
        bytes += [0xE9]
        bytes += Array("\r\n\r\n".utf8)
        let head = try ParsedHeadFixture.head(bytes)
        head.withSigV4Request(method: "PATCH", path: "/", query: nil) { request in
            // Lent in place: the head's own bytes and field lines, not a copy and not strings.
            guard case .borrowed(let block, let ranges) = request.fields.storage else {
                Issue.record("fields were copied")
                return
            }
            #expect(ranges.count == head.fields.count && ranges.elementsEqual(head.fields))
            #expect(Array(block[ranges[1].value]) == Array("caf".utf8) + [0xE9])
            #expect(request.fields.withValue(1) { Array($0) } == Array("caf".utf8) + [0xE9])
            #expect(request.headers[1].value == "caf\u{FFFD}")
        }
    }
}
