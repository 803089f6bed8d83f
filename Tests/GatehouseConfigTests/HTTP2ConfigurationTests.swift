import Testing

@testable import GatehouseConfig

/// The HTTP/2 keys: `http2` per listener (default true) and `limits.max_concurrent_streams` (default 100).
@Suite struct HTTP2ConfigurationTests {
    @Test func defaultsOfferHTTP2With100Streams() throws {
        let configuration = try ConfigFixture().configuration(Configurations.minimal)
        #expect(configuration.listeners.first?.http2 == true)
        #expect(configuration.limits.maxConcurrentStreams == 100)
    }

    @Test func http2FalseAndStreamLimitAreRead() throws {
        let yaml =
            Configurations.minimal.replacingOccurrences(
                of: "    bind: 127.0.0.1:8443\n", with: "    bind: 127.0.0.1:8443\n    http2: false\n")
            + "limits:\n  max_concurrent_streams: 7\n"
        let configuration = try ConfigFixture().configuration(yaml)
        #expect(configuration.listeners.first?.http2 == false)
        #expect(configuration.limits.maxConcurrentStreams == 7)
    }

    @Test func streamLimitOutOfRangeIsAProblem() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "limits:\n  max_concurrent_streams: 0\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:11:27: \"max_concurrent_streams\" in \"limits\" must be between 1 and 10000, found 0"
            ])
    }

    @Test func http2IsRefusedOnTheAdminListener() throws {
        let yaml = Configurations.withListeners(
            "  - name: admin\n    admin: true\n    bind: 127.0.0.1:9901\n    http2: true\n")
        let lines = try ConfigFixture().problemLines(yaml)
        #expect(lines.contains { $0.contains("the admin listener serves HTTP/1.1 only; remove \"http2\"") })
    }
}
