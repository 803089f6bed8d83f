import IPNetwork
import Testing

@testable import GatehouseConfig

@Suite("Listeners, binds and source networks")
struct ListenerValidationTests {
    static func listener(bind: String, extra: String = "", tls: Bool = true) -> String {
        Configurations.withListeners(
            "  - name: https\n    bind: \(bind)\n" + extra + (tls ? Configurations.tls : ""))
    }

    @Test func publicBindIsRefused() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.listener(bind: "203.0.113.7:443")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:5:11: bind \"203.0.113.7:443\" in listener \"https\" is not an internal address "
                    + "(loopback, RFC 1918, RFC 6598, link-local or ULA); set \"allow_public_bind: true\" to allow it"
            ])
    }

    @Test func wildcardBindIsRefusedToo() throws {
        let fixture = try ConfigFixture()
        let problems = try fixture.problems(Self.listener(bind: "0.0.0.0:443"))
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("is not an internal address") == true)
    }

    @Test func publicBindIsAllowedWithOptIn() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(
            Self.listener(bind: "203.0.113.7:443", extra: "    allow_public_bind: true\n"))
        #expect(configuration.listeners.first?.allowPublicBind == true)
        #expect(configuration.listeners.first?.bind == .ip(IPAddress("203.0.113.7")!, port: 443))
    }

    @Test(arguments: ["10.1.2.3:8443", "172.16.0.1:8443", "192.168.1.1:8443", "100.64.0.1:8443", "\"[fd00::1]:8443\""])
    func internalBindsAreAccepted(bind: String) throws {
        let fixture = try ConfigFixture()
        #expect(try fixture.configuration(Self.listener(bind: bind)).listeners.count == 1)
    }

    @Test func ipv6LocalhostAndUnixBinds() throws {
        let fixture = try ConfigFixture()
        #expect(
            try fixture.configuration(Self.listener(bind: "\"[::1]:8443\"")).listeners.first?.bind
                == .ip(IPAddress("::1")!, port: 8443))
        #expect(
            try fixture.configuration(Self.listener(bind: "localhost:8443")).listeners.first?.bind
                == .ip(IPAddress("127.0.0.1")!, port: 8443))
        #expect(
            try fixture.configuration(Self.listener(bind: "unix:/run/gatehouse.sock")).listeners.first?.bind
                == .unix(path: "/run/gatehouse.sock"))
        #expect(
            try fixture.configuration(Self.listener(bind: "unix:run/gatehouse.sock")).listeners.first?.bind
                == .unix(path: fixture.folder + "/run/gatehouse.sock"))
    }

    @Test func hostNamesAndMalformedBindsAreRefused() throws {
        let fixture = try ConfigFixture()
        #expect(
            fixture.problemLines(Self.listener(bind: "gateway.internal:8443")) == [
                "gatehouse.yaml:5:11: bind \"gateway.internal:8443\" must name an IP address or localhost, not "
                    + "\"gateway.internal\" (host names are not resolved) in listener \"https\""
            ])
        #expect(
            fixture.problemLines(Self.listener(bind: "127.0.0.1:99999")) == [
                "gatehouse.yaml:5:11: bind \"127.0.0.1:99999\" has an invalid port \"99999\" (0-65535) in listener "
                    + "\"https\""
            ])
        #expect(
            fixture.problemLines(Self.listener(bind: "127.0.0.1")) == [
                "gatehouse.yaml:5:11: bind \"127.0.0.1\" must be \"HOST:PORT\", \"[IPv6]:PORT\" or \"unix:/path\" "
                    + "in listener \"https\""
            ])
    }

    @Test func nonAdminListenerNeedsTLS() throws {
        let fixture = try ConfigFixture()
        #expect(
            fixture.problemLines(Self.listener(bind: "127.0.0.1:8443", tls: false)) == [
                "gatehouse.yaml:4:5: missing required field \"tls\" in listener \"https\" "
                    + "(mTLS is mandatory on every non-admin listener)"
            ])
    }

    @Test func tlsRequiresCertificateKeyAndCA() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.withListeners("  - name: https\n    bind: 127.0.0.1:8443\n    tls: {}\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:6:10: missing required field \"certificate\" in \"tls\" of listener \"https\"",
                "gatehouse.yaml:6:10: missing required field \"private_key\" in \"tls\" of listener \"https\"",
                "gatehouse.yaml:6:10: missing required field \"client_ca\" in \"tls\" of listener \"https\"",
            ])
    }

    @Test func tlsOptionsAreRead() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.withListeners(
            """
              - name: https
                bind: 127.0.0.1:8443
                tls:
                  certificate: certs/dev/server.pem
                  private_key: certs/dev/server-key.pem
                  client_ca: certs/dev/ca.pem
                  client_crl: certs/dev/crl.pem
                  allowed_clients: ["spiffe://corp.internal/ns/prod/*", "CN=orders,OU=svc"]
                  min_version: 1.3

            """)
        let tls = try #require(try fixture.configuration(yaml).listeners.first?.tls)
        #expect(tls.clientCRL?.path == fixture.folder + "/certs/dev/crl.pem")
        #expect(tls.allowedClients == ["spiffe://corp.internal/ns/prod/*", "CN=orders,OU=svc"])
        #expect(tls.minimumVersion == .tls13)
        #expect(tls.location == SourceLocation(file: fixture.configPath, line: 7, column: 7))
    }

    @Test func badMinimumVersion() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(
            of: "      client_ca: certs/dev/ca.pem\n",
            with: "      client_ca: certs/dev/ca.pem\n      min_version: \"1.1\"\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:20: \"min_version\" in \"tls\" of listener \"https\" must be \"1.2\" or \"1.3\", "
                    + "found \"1.1\""
            ])
    }

    @Test func missingFilesAreReportedAtTheirField() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal.replacingOccurrences(of: "certs/dev/ca.pem", with: "certs/dev/missing-ca.pem")
            .replacingOccurrences(of: "certificate: certs/dev/server.pem", with: "certificate: certs")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:7:20: file certs named by \"certificate\" in \"tls\" of listener \"https\" is a "
                    + "folder, "
                    + "not a file",
                "gatehouse.yaml:9:18: file certs/dev/missing-ca.pem named by \"client_ca\" in \"tls\" of listener "
                    + "\"https\" does not exist",
            ])
    }

    @Test func adminListenerRules() throws {
        let fixture = try ConfigFixture()
        let admin = { (extra: String) in
            Configurations.minimal.replacingOccurrences(
                of: "listeners:\n", with: "listeners:\n  - name: admin\n    admin: true\n" + extra)
        }
        let ok = try fixture.configuration(admin("    bind: 127.0.0.1:9901\n"))
        #expect(ok.listeners.first?.isAdmin == true)
        #expect(ok.listeners.first?.tls == nil)
        #expect(try fixture.configuration(admin("    bind: unix:/run/gatehouse-admin.sock\n")).listeners.count == 2)

        #expect(
            fixture.problemLines(admin("    bind: 10.0.0.5:9901\n")) == [
                "gatehouse.yaml:6:11: the admin listener must bind a loopback address or a unix socket, not "
                    + "\"10.0.0.5:9901\""
            ])
        #expect(
            fixture.problemLines(admin("    bind: 203.0.113.9:9901\n    allow_public_bind: true\n")) == [
                "gatehouse.yaml:6:11: the admin listener must bind a loopback address or a unix socket, not "
                    + "\"203.0.113.9:9901\"",
                "gatehouse.yaml:7:24: \"allow_public_bind\" is never allowed for the admin listener",
            ])
        let withTLS = admin("    bind: 127.0.0.1:9901\n    tls: {certificate: certs/dev/server.pem}\n")
        #expect(
            fixture.problemLines(withTLS) == [
                "gatehouse.yaml:7:10: the admin listener serves plaintext on loopback; remove \"tls\" in listener "
                    + "\"admin\""
            ])
    }

    @Test func duplicateListenerNamesAndBinds() throws {
        let fixture = try ConfigFixture()
        let listener = "  - name: https\n    bind: 127.0.0.1:8443\n" + Configurations.tls
        let yaml = Configurations.withListeners(listener + listener)
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:11: duplicate listener name \"https\" (first at gatehouse.yaml:4:11)"
            ])
        let sameBind = Configurations.withListeners(
            listener + listener.replacingOccurrences(of: "name: https", with: "name: other"))
        #expect(
            fixture.problemLines(sameBind) == [
                "gatehouse.yaml:11:11: listener \"other\" binds 127.0.0.1:8443, as does the listener at "
                    + "gatehouse.yaml:4:5"
            ])
    }

    @Test func allowSourcesResolveNetworkIDsAndCIDRs() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Self.listener(bind: "127.0.0.1:8443", extra: "    allow_sources: [vpce-dev, 10.0.0.0/8, \"fd00::1\"]\n")
            + "networks:\n  - id: vpce-dev\n    vpc: vpc-dev\n    cidrs: [192.168.0.0/16]\n"
        let listener = try #require(try fixture.configuration(yaml).listeners.first)
        #expect(listener.allowSources.count == 3)
        #expect(listener.admits(IPAddress("192.168.3.4")!))
        #expect(listener.admits(IPAddress("10.9.9.9")!))
        #expect(listener.admits(IPAddress("fd00::1")!))
        #expect(!listener.admits(IPAddress("fd00::2")!))
        #expect(!listener.admits(IPAddress("127.0.0.1")!))
        guard case .network(let network) = listener.allowSources[0] else {
            Issue.record("expected a network")
            return
        }
        #expect(network.id == "vpce-dev")
        #expect(network.vpc == "vpc-dev")
    }

    @Test func unknownNetworkIDAndBadCIDRs() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Self.listener(
                bind: "127.0.0.1:8443",
                extra: "    allow_sources: [vpce-deb, 10.0.0.0/33]\n    trusted_proxies: [not-a-cidr]\n")
            + "networks:\n  - id: vpce-dev\n    cidrs: [192.168.0.0/16, 300.1.1.1]\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:6:21: unknown network id \"vpce-deb\" in \"allow_sources\" in listener \"https\"; "
                    + "did you mean \"vpce-dev\"?",
                "gatehouse.yaml:6:31: invalid CIDR \"10.0.0.0/33\" in \"allow_sources\" in listener \"https\"",
                "gatehouse.yaml:7:23: invalid CIDR \"not-a-cidr\" in \"trusted_proxies\" in listener \"https\"",
                "gatehouse.yaml:14:29: invalid CIDR \"300.1.1.1\" in network \"vpce-dev\"",
            ])
    }

    @Test func duplicateNetworkIDs() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal
            + "networks:\n  - id: vpce-dev\n    cidrs: [10.0.0.0/8]\n  - id: vpce-dev\n    cidrs: [10.0.0.0/8]\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:13:9: duplicate network id \"vpce-dev\" (first at gatehouse.yaml:11:9)"
            ])
    }

    @Test func networkNeedsCIDRs() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "networks:\n  - id: vpce-dev\n  - id: vpce-b\n    cidrs: []\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:11:5: missing required field \"cidrs\" in network \"vpce-dev\"",
                "gatehouse.yaml:13:12: \"cidrs\" in network \"vpce-b\" must list at least one CIDR",
            ])
    }

    @Test func proxyProtocolNeedsTrustedProxies() throws {
        let fixture = try ConfigFixture()
        #expect(
            fixture.problemLines(Self.listener(bind: "127.0.0.1:8443", extra: "    proxy_protocol: true\n")) == [
                "gatehouse.yaml:6:21: \"proxy_protocol\" in listener \"https\" needs \"trusted_proxies\" "
                    + "(PROXY headers are believed only from them)"
            ])
        let configuration = try fixture.configuration(
            Self.listener(
                bind: "127.0.0.1:8443", extra: "    proxy_protocol: true\n    trusted_proxies: [10.0.0.0/8]\n"))
        #expect(configuration.listeners.first?.proxyProtocol == true)
        #expect(configuration.listeners.first?.trustedProxies == [CIDR("10.0.0.0/8")!])
    }
}
