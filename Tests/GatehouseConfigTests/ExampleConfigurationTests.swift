import Foundation
import IPNetwork
import Testing

@testable import GatehouseConfig

@Suite("The contract's example configuration")
struct ExampleConfigurationTests {
    @Test func loadsWithTheRightValues() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.contractExample)

        #expect(configuration.file == fixture.configPath)
        #expect(configuration.region == "us-east-1")
        #expect(configuration.accountID == "123456789012")
        #expect(configuration.logTarget == .auto)
        #expect(configuration.maxClockSkew == .seconds(300))
        #expect(configuration.drainTimeout == .seconds(30))
        #expect(configuration.limits == .defaults)
    }

    @Test func listeners() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.contractExample)
        try #require(configuration.listeners.count == 2)

        let https = configuration.listeners[0]
        #expect(https.name == "https")
        #expect(https.bind == .ip(IPAddress("127.0.0.1")!, port: 8443))
        #expect(https.bindLocation == SourceLocation(file: fixture.configPath, line: 15, column: 11))
        #expect(!https.isAdmin)
        let tls = try #require(https.tls)
        #expect(tls.certificate.path == fixture.folder + "/certs/dev/server.pem")
        #expect(tls.certificate.location == SourceLocation(file: fixture.configPath, line: 17, column: 20))
        #expect(tls.privateKey.path == fixture.folder + "/certs/dev/server-key.pem")
        #expect(tls.clientCA.path == fixture.folder + "/certs/dev/ca.pem")
        #expect(tls.clientCRL == nil)
        #expect(tls.allowedClients.isEmpty)
        #expect(tls.minimumVersion == .tls12)
        #expect(https.allowSources.count == 1)
        #expect(https.admits(IPAddress("127.0.0.1")!))
        #expect(https.admits(IPAddress("::1")!))
        #expect(!https.admits(IPAddress("10.0.0.1")!))
        #expect(!https.proxyProtocol)
        #expect(https.trustedProxies.isEmpty)
        #expect(!https.allowPublicBind)

        let admin = configuration.listeners[1]
        #expect(admin.name == "admin")
        #expect(admin.isAdmin)
        #expect(admin.tls == nil)
        #expect(admin.bind == .ip(IPAddress("127.0.0.1")!, port: 9901))
    }

    @Test func networksAndIdentities() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.contractExample)

        let network = try #require(configuration.networks.first)
        #expect(network.id == "vpce-dev")
        #expect(network.vpc == "vpc-dev")
        #expect(network.cidrs == [CIDR("127.0.0.0/8")!, CIDR("::1/128")!])

        let identity = try #require(configuration.identities.first)
        #expect(identity.accessKeyID == "AKIDEXAMPLE")
        #expect(identity.secretAccessKey.exposedValue == ConfigFixture.secret)
        #expect(identity.principal == "arn:aws:iam::123456789012:user/alice")
        #expect(identity.principalAccount == "123456789012")
        #expect(identity.sessionToken == nil)
        #expect(identity.tags == ["team": "payments"])
    }

    @Test func api() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.contractExample)
        let api = try #require(configuration.apis.first)

        #expect(api.id == "a1b2c3d4e5")
        #expect(api.name == "orders")
        #expect(api.hosts == ["orders.internal"])
        #expect(api.authorization == .awsIAM)
        let policy = try #require(api.policy)
        #expect(policy.json == ConfigFixture.policyJSON)
        #expect(policy.origin == .file(path: fixture.folder + "/policies/orders.json"))
        let policyPosition = position(of: "policies/orders.json", in: Configurations.contractExample)
        #expect(policy.location == SourceLocation(file: fixture.configPath, line: policyPosition.line, column: 13))
        #expect(policyPosition == (48, 13))
        #expect(policy.documentLocation == SourceLocation(file: fixture.folder + "/policies/orders.json"))
        #expect(
            api.stages == [
                StageConfiguration(
                    name: "prod", variables: ["backend": "http://127.0.0.1:9000"],
                    location: SourceLocation(file: fixture.configPath, line: 50, column: 7))
            ])
        #expect(api.stage(named: "prod") != nil)
        #expect(api.stage(named: "dev") == nil)
    }

    @Test func routes() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.contractExample)
        let routes = try #require(configuration.apis.first?.routes)
        try #require(routes.count == 3)

        #expect(routes[0].key == RouteKey(method: .get, segments: [.literal("users"), .parameter("id")]))
        #expect(routes[0].authorization == .awsIAM)
        guard case .httpProxy(let users) = routes[0].integration else {
            Issue.record("expected HTTP_PROXY")
            return
        }
        #expect(users.uri == "${stageVariables.backend}/users/{id}")
        #expect(users.timeout == .milliseconds(29000))
        #expect(
            users.targets["prod"]
                == UpstreamTarget(
                    upstream: .http(host: "127.0.0.1", port: 9000),
                    pathTemplate: [.literal("/users/"), .parameter("id")],
                    uri: "http://127.0.0.1:9000/users/{id}"))

        #expect(routes[1].key == RouteKey(method: .any, segments: [.greedy("proxy")]))
        #expect(routes[1].key.description == "ANY /{proxy+}")
        guard case .httpProxy(let proxy) = routes[1].integration else {
            Issue.record("expected HTTP_PROXY")
            return
        }
        #expect(proxy.timeout == .milliseconds(29000), "default timeout")
        #expect(proxy.targets["prod"]?.pathTemplate == [.literal("/"), .greedy("proxy")])

        #expect(routes[2].key.description == "GET /ping")
        #expect(routes[2].authorization == .none)
        #expect(
            routes[2].integration
                == .mock(
                    MockIntegrationConfiguration(
                        status: 200, headers: [.init(name: "content-type", value: "application/json")],
                        body: #"{"pong":true}"#)))
    }

    @Test func defaultsWhenOptionalFieldsAreAbsent() throws {
        let fixture = try ConfigFixture()
        let configuration = try fixture.configuration(Configurations.minimal)
        #expect(configuration.logTarget == .auto)
        #expect(configuration.maxClockSkew == .seconds(300))
        #expect(configuration.drainTimeout == .seconds(30))
        #expect(configuration.limits.maxBodyBytes == 10_485_760)
        #expect(configuration.limits.maxHeaderBytes == 32768)
        #expect(configuration.limits.headerTimeout == .seconds(10))
        #expect(configuration.limits.bodyTimeout == .seconds(30))
        #expect(configuration.limits.idleTimeout == .seconds(60))
        #expect(configuration.limits.maxConnections == 10000)
        let listener = try #require(configuration.listeners.first)
        #expect(listener.allowSources.isEmpty, "absent allow_sources admits nobody")
        #expect(!listener.admits(IPAddress("127.0.0.1")!))
        #expect(listener.tls?.minimumVersion == .tls12)
        #expect(configuration.networks.isEmpty)
        #expect(configuration.identities.isEmpty)
        #expect(configuration.apis.isEmpty)
    }

    @Test func overriddenLimitsAndTopLevelValues() throws {
        let fixture = try ConfigFixture()
        let yaml =
            Configurations.minimal + """
                log_target: journal
                max_clock_skew: 60
                drain_timeout: 5
                limits:
                  max_body_bytes: 1024
                  header_timeout: 3
                  body_timeout: 7
                """
        let configuration = try fixture.configuration(yaml)
        #expect(configuration.logTarget == .journal)
        #expect(configuration.maxClockSkew == .seconds(60))
        #expect(configuration.drainTimeout == .seconds(5))
        #expect(configuration.limits.maxBodyBytes == 1024)
        #expect(configuration.limits.headerTimeout == .seconds(3))
        #expect(configuration.limits.bodyTimeout == .seconds(7))
        #expect(configuration.limits.maxHeaderBytes == 32768, "unset limits keep their defaults")
    }

    @Test func bodyTimeoutIsValidatedLikeTheOtherTimeouts() throws {
        let fixture = try ConfigFixture()
        for bad in ["0", "3601", "soon"] {
            let problems = fixture.problemLines(Configurations.minimal + "limits:\n  body_timeout: \(bad)\n")
            #expect(problems.count == 1, "\(bad)")
            #expect(problems.first?.contains("\"body_timeout\"") == true, "\(problems)")
        }
    }
}
