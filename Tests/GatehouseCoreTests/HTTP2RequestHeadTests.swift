import NIOCore
import NIOHPACK
import NIOHTTP2
import Testing

@testable import GatehouseCore

/// An HTTP/2 header list read as Gatehouse reads a request head: `:authority` as `Host`, the same grammar and limits.
@Suite struct HTTP2RequestHeadTests {
    static func block(
        method: String = "GET", path: String? = "/prod/a?b=c", authority: String? = "api.example:8443",
        _ fields: [(String, String)] = []
    ) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.add(name: ":method", value: method)
        headers.add(name: ":scheme", value: "https")
        if let authority { headers.add(name: ":authority", value: authority) }
        if let path { headers.add(name: ":path", value: path) }
        for (name, value) in fields { headers.add(name: name, value: value) }
        return headers
    }

    static func make(_ headers: HPACKHeaders, endStream: Bool = true, maxHead: Int = 4096, maxBody: Int = 1000)
        -> Result<HTTP2RequestHead, RequestParseError>
    {
        HTTP2RequestHead.make(headers, endStream: endStream, maxHeadBytes: maxHead, maxBodyBytes: maxBody)
    }

    @Test func authorityStandsForHostAndFieldsKeepTheirOrder() throws {
        let head = try Self.make(Self.block(_: [("x-b", "2"), ("x-a", "1"), ("x-b", "3")])).get()
        #expect(head.firstValue("host") == "api.example:8443")
        #expect(head.line.method == .GET)
        #expect(head.line.uri == "/prod/a?b=c")
        #expect(head.line.version == HTTP2RequestHead.version)
        let names = head.parsed.fields.indices.map { head.parsed.name($0) }
        #expect(names == ["host", "x-b", "x-a", "x-b"])
        #expect(head.parsed.indices(of: "x-b").map(head.parsed.valueString) == ["2", "3"])
    }

    @Test func signedHostIsTheAuthority() throws {
        let head = try Self.make(Self.block(_: [("x-amz-date", "20150830T123600Z")])).get()
        let pairs = head.withSigV4Request(method: "GET", path: "/prod/a", query: "b=c") { $0.fields.pairs }
        #expect(pairs.first { $0.name.lowercased() == "host" }?.value == "api.example:8443")
    }

    @Test func hostFieldMayReplaceAuthorityButNotContradictIt() throws {
        let viaHost = try Self.make(Self.block(authority: nil, [("host", "h.example")])).get()
        #expect(viaHost.firstValue("host") == "h.example")
        #expect(viaHost.parsed.indices(of: "host").count == 1)
        let same = try Self.make(Self.block(authority: "h.example", [("host", "h.example")])).get()
        #expect(same.parsed.indices(of: "host").count == 1)
        #expect(
            Self.make(Self.block(authority: "a.example", [("host", "b.example")]))
                .failureValue == .malformed("Host differs from :authority"))
        #expect(Self.make(Self.block(authority: nil)).failureValue == .malformed("Missing :authority"))
    }

    @Test func connectAndMissingPathAreRefused() {
        #expect(
            Self.make(Self.block(method: "CONNECT", path: nil)).failureValue == .malformed("CONNECT is not supported"))
        #expect(Self.make(Self.block(path: nil)).failureValue == .malformed("Missing :path"))
    }

    @Test func cookieCrumbsAreJoined() throws {
        let head = try Self.make(Self.block(_: [("cookie", "a=1"), ("x", "y"), ("cookie", "b=2")])).get()
        #expect(head.parsed.indices(of: "cookie").map(head.parsed.valueString) == ["a=1; b=2"])
    }

    @Test func theRenderedHeadCountsAgainstMaxHeaderBytes() {
        // "GET /p HTTP/1.1\r\n" (17) + "host: h\r\n" (9) + "x: <v>\r\n" (5 + v) + "\r\n" (2) = 33 + v
        let fits = Self.make(
            Self.block(path: "/p", authority: "h", [("x", String(repeating: "v", count: 67))]),
            maxHead: 100)
        #expect(fits.failureValue == nil)
        let over = Self.make(
            Self.block(path: "/p", authority: "h", [("x", String(repeating: "v", count: 68))]),
            maxHead: 100)
        #expect(over.failureValue == .headTooLarge)
    }

    @Test func bodyFramingFollowsEndStreamAndContentLength() throws {
        #expect(try Self.make(Self.block(), endStream: true).get().framing == .success(.none))
        #expect(try Self.make(Self.block(), endStream: false).get().framing == .success(.chunked))
        let declared = try Self.make(Self.block(_: [("content-length", "10")]), endStream: false).get()
        #expect(declared.framing == .success(.length(10)))
        let tooLarge = try Self.make(Self.block(_: [("content-length", "1001")]), endStream: false).get()
        #expect(tooLarge.framing == .failure(.bodyTooLarge))
        let conflicting = try Self.make(
            Self.block(_: [("content-length", "1"), ("content-length", "2")]), endStream: false
        ).get()
        #expect(conflicting.framing == .failure(.malformed("Conflicting Content-Length values")))
    }

    @Test func valuesWithControlBytesAreRefusedByTheHeadGrammar() {
        #expect(Self.make(Self.block(_: [("x", "a\u{0}b")])).failureValue != nil)
    }

    @Test func alpnSelection() {
        #expect(ProtocolSelectionHandler.select("h2") == .http2)
        #expect(ProtocolSelectionHandler.select("http/1.1") == .http1)
        #expect(ProtocolSelectionHandler.select(nil) == .http1)
    }

    @Test func connectionSettingsCarryTheLimits() {
        var limits = GatewayLimits()
        limits.maxConcurrentStreams = 7
        limits.maxHeaderBytes = 9000
        let connection = HTTP2ConnectionPipeline.connectionConfiguration(limits)
        #expect(connection.initialSettings.contains(HTTP2Setting(parameter: .maxConcurrentStreams, value: 7)))
        #expect(connection.initialSettings.contains(HTTP2Setting(parameter: .maxHeaderListSize, value: 9000)))
        let stream = HTTP2ConnectionPipeline.streamConfiguration(limits)
        #expect(stream.streamResetFrameRateLimit.maximumCount == 7)
        #expect(stream.streamResetFrameRateLimit.windowLength == .seconds(1))
    }
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
