import Testing

@testable import gatehouse_load

@Suite("LoadTarget: URL parsing and the loopback-only rule")
struct LoadTargetTests {
    @Test(
        "loopback targets are accepted",
        arguments: [
            ("https://127.0.0.1:8443/prod/ping", "127.0.0.1", 8443, "/prod/ping"),
            ("http://127.1.2.3/", "127.1.2.3", 80, "/"),
            ("https://localhost", "127.0.0.1", 443, "/"),
            ("http://[::1]:9000/a?b=c", "::1", 9000, "/a?b=c"),
            ("HTTP://127.0.0.1:8080?x=1", "127.0.0.1", 8080, "/?x=1"),
            ("http://127.0.0.1:8080/p#frag", "127.0.0.1", 8080, "/p"),
        ])
    func acceptsLoopback(url: String, address: String, port: Int, target: String) throws {
        let parsed = try LoadTarget(url: url)
        #expect(parsed.ipAddress == address)
        #expect(parsed.port == port)
        #expect(parsed.requestTarget == target)
    }

    @Test(
        "non-loopback hosts are refused",
        arguments: [
            "http://10.0.0.1/", "https://192.168.1.1:8443/", "http://example.com/", "http://[::2]/",
            "http://127.0.0.1.example.com/", "http://0x7f.0.0.1/", "http://0177.0.0.1/", "http://[2001:db8::1]/",
            "http://128.0.0.1/", "http://0.0.0.0/",
        ])
    func refusesOthers(url: String) {
        #expect(throws: LoadError.self) { try LoadTarget(url: url) }
    }

    @Test("the refusal names the host and the rule")
    func refusalMessage() {
        do {
            _ = try LoadTarget(url: "http://10.1.2.3:80/")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("10.1.2.3"))
            #expect(error.description.contains("loopback"))
        }
    }

    @Test(
        "malformed URLs are refused",
        arguments: [
            "127.0.0.1:8443/", "ftp://127.0.0.1/", "http://127.0.0.1:0/", "http://127.0.0.1:70000/",
            "http://127.0.0.1:port/", "http://user@127.0.0.1/", "http://[::1/", "http:///path",
        ])
    func refusesMalformed(url: String) {
        #expect(throws: LoadError.self) { try LoadTarget(url: url) }
    }

    @Test("Host header and TLS server name")
    func hostAndServerName() throws {
        let ip = try LoadTarget(url: "https://127.0.0.1:8443/")
        #expect(ip.defaultHostHeader == "127.0.0.1:8443")
        #expect(ip.serverName == nil)
        let name = try LoadTarget(url: "https://localhost/")
        #expect(name.defaultHostHeader == "localhost")
        #expect(name.serverName == "localhost")
        let v6 = try LoadTarget(url: "http://[::1]:81/")
        #expect(v6.defaultHostHeader == "[::1]:81")
    }
}
