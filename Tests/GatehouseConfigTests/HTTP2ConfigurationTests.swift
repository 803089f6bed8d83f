import Testing

@testable import GatehouseConfig

/// The HTTP/2 keys: `http2` per listener (default true), `limits.max_concurrent_streams` (default 100) and
/// `limits.max_connection_body_bytes` (default max(`max_body_bytes`, 4 MiB)).
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

    /// `limits.max_connection_body_bytes`: by default one largest body, at least 4 MiB.
    @Test func connectionBodyBudgetDefaultsFromMaxBodyBytes() throws {
        let fixture = try ConfigFixture()
        #expect(try fixture.configuration(Configurations.minimal).limits.maxConnectionBodyBytes == 10_485_760)
        let small = Configurations.minimal + "limits:\n  max_body_bytes: 1024\n"
        #expect(try fixture.configuration(small).limits.maxConnectionBodyBytes == 4_194_304)
        let large = Configurations.minimal + "limits:\n  max_body_bytes: 52428800\n"
        #expect(try fixture.configuration(large).limits.maxConnectionBodyBytes == 52_428_800)
        let set = Configurations.minimal + "limits:\n  max_connection_body_bytes: 65536\n"
        #expect(try fixture.configuration(set).limits.maxConnectionBodyBytes == 65536)
    }

    @Test func negativeConnectionBodyBudgetIsAProblem() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "limits:\n  max_connection_body_bytes: -1\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:11:30: \"max_connection_body_bytes\" in \"limits\" must be between 0 and "
                    + "9223372036854775807, found -1"
            ])
    }

    @Test func http2IsRefusedOnTheAdminListener() throws {
        let yaml = Configurations.withListeners(
            "  - name: admin\n    admin: true\n    bind: 127.0.0.1:9901\n    http2: true\n")
        let lines = try ConfigFixture().problemLines(yaml)
        #expect(lines.contains { $0.contains("the admin listener serves HTTP/1.1 only; remove \"http2\"") })
    }
}
