import IPNetwork
import Testing

@testable import GatehouseConfig

@Suite("Value parsers")
struct ParserTests {
    @Test func keySuggestion() {
        let keys = ListenerReader.knownKeys
        #expect(KeySuggestion.closest(to: "alow_sources", in: keys) == "allow_sources")
        #expect(KeySuggestion.closest(to: "proxy_protcol", in: keys) == "proxy_protocol")
        #expect(KeySuggestion.closest(to: "nmae", in: keys) == "name")
        #expect(KeySuggestion.closest(to: "BIND", in: keys) == "bind")
        #expect(KeySuggestion.closest(to: "certificates_everywhere", in: keys) == nil)
        #expect(KeySuggestion.editDistance("kitten", "sitting") == 3)
        #expect(KeySuggestion.editDistance("", "abc") == 3)
    }

    @Test func stageVariableExpansion() {
        let result = StageVariableExpander.expand(
            "${stageVariables.a}/x/${stageVariables.b}/${stageVariables.c}", variables: ["a": "A", "b": "B"])
        #expect(result.text == "A/x/B/")
        #expect(result.unknown == ["c"])
    }

    @Test func bindAddresses() throws {
        let resolve = { (path: String) in "/etc/gatehouse/" + path }
        #expect(
            try BindAddressParser.parse("[::1]:8443", resolvePath: resolve).get() == .ip(IPAddress("::1")!, port: 8443))
        #expect(
            try BindAddressParser.parse("unix:x.sock", resolvePath: resolve).get()
                == .unix(path: "/etc/gatehouse/x.sock"))
        #expect(try BindAddressParser.parse("127.0.0.1:0", resolvePath: resolve).get().isEphemeralPort)
        for bad in ["::1:8443", "[::1]8443", "127.0.0.1:", "127.0.0.1:-1", "unix:", "[::1:8443"] {
            #expect(throws: ValueError.self, "\(bad)") { try BindAddressParser.parse(bad, resolvePath: resolve).get() }
        }
    }

    @Test func routeKeys() throws {
        #expect(
            try RouteKeyParser.parse("ANY /a/{b}/{c+}").get()
                == RouteKey(method: .any, segments: [.literal("a"), .parameter("b"), .greedy("c")]))
        #expect(try RouteKeyParser.parse("HEAD /").get().segments.isEmpty)
        #expect(try RouteKeyParser.parse("PATCH /a/{b}/{c+}").get().parameterNames == ["b", "c"])
        for bad in ["get /x", "GET", "GET /x extra", "GET /{}", "GET /{a b}", "GET /x?y", "GET /{a}/{b+}/c"] {
            #expect(throws: ValueError.self, "\(bad)") { try RouteKeyParser.parse(bad).get() }
        }
    }

    @Test func upstreamURIs() throws {
        let route = try RouteKeyParser.parse("GET /users/{id}/{rest+}").get()
        let resolve = { (path: String) in path }
        let ipv6 = try UpstreamURIParser.parse("http://[fd00::5]:8080/u/{id}?x=1", route: route, resolvePath: resolve)
            .get()
        #expect(ipv6.upstream == .http(host: "fd00::5", port: 8080))
        #expect(ipv6.upstream.description == "http://[fd00::5]:8080")
        #expect(ipv6.pathTemplate == [.literal("/u/"), .parameter("id"), .literal("?x=1")])
        let named = try UpstreamURIParser.parse("HTTP://Orders.Internal/{rest+}", route: route, resolvePath: resolve)
            .get()
        #expect(named.upstream == .http(host: "orders.internal", port: 80))
        #expect(named.pathTemplate == [.literal("/"), .greedy("rest")])
        for bad in ["http://a:b/x", "http://u@h/x", "http://h/x#f", "http://h/{id", "http://h/x}", "unix:"] {
            #expect(throws: ValueError.self, "\(bad)") {
                try UpstreamURIParser.parse(bad, route: route, resolvePath: resolve).get()
            }
        }
    }

    @Test func jsonQuoting() {
        #expect(JSONText.quoted("a\"b\\c\n\u{1}é") == #""a\"b\\c\n\u0001é""#)
    }
}
