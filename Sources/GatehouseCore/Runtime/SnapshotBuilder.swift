import AccessPolicy
import Foundation
import GatehouseConfig
import GatehousePKI
import NIOCore
import NIOSSL
import SigV4

/// Turns a loaded configuration into a running snapshot: reads certificates and keys, builds TLS contexts and
/// client policies, compiles resource policies and specialises routes per stage. Everything that can fail does so
/// here — at start, on `validate` and on reload — as a `ConfigurationProblem` naming the file and field, never
/// later on a request.
public enum SnapshotBuilder {
    /// - Parameter usage: the buckets, plan state and quota ledger shared by every snapshot of this process (a reload
    ///   keeps their counts); a fresh one for `validate` and tests.
    public static func build(_ configuration: GatewayConfiguration, usage: UsageState = UsageState())
        -> Result<GatewaySnapshot, ConfigurationProblems>
    {
        var problems: [ConfigurationProblem] = []
        let usageBuilder = UsageRuntimeBuilder(configuration: configuration, state: usage, problems: &problems)
        var listeners: [ListenerRuntime] = []
        for listener in configuration.listeners where !listener.isAdmin {
            guard let tls = listener.tls else { continue }
            do {
                listeners.append(try makeListener(listener, tls: tls))
            } catch let problem as ConfigurationProblem {
                problems.append(problem)
            } catch {
                problems.append(ConfigurationProblem(location: tls.location, message: "\(error)"))
            }
        }
        var upstreamTLS: [String: NIOSSLContext] = [:]
        for api in configuration.apis {
            for route in api.routes {
                guard case .httpProxy(let proxy) = route.integration,
                    proxy.targets.values.contains(where: {
                        if case .http2(_, _, tls: true) = $0.upstream { return true }
                        return false
                    })
                else { continue }
                let key = proxy.tlsCA?.path ?? ""
                guard upstreamTLS[key] == nil else { continue }
                do {
                    upstreamTLS[key] = try makeUpstreamTLS(proxy.tlsCA)
                } catch {
                    problems.append(
                        ConfigurationProblem(
                            location: proxy.tlsCA?.location ?? proxy.location,
                            message: "cannot build TLS for the h2:// upstream of route \"\(route.key)\": \(error)"))
                }
            }
        }
        var apis: [APIDefinition] = []
        for api in configuration.apis {
            var policy: ResourcePolicy?
            if let source = api.policy {
                do {
                    policy = try ResourcePolicy(
                        json: source.json, region: configuration.region, accountID: configuration.accountID,
                        apiID: api.id)
                } catch {
                    problems.append(policyProblem(error, source: source, apiID: api.id))
                }
            }
            apis.append(
                APIDefinition(
                    id: api.id, name: api.name, hosts: api.hosts, stageHosts: api.stageHosts,
                    stages: stages(of: api, configuration, usage: usageBuilder, upstreamTLS: upstreamTLS),
                    policy: policy))
        }
        guard problems.isEmpty else { return .failure(ConfigurationProblems(problems)) }
        let identities = configuration.identities.map { identity in
            SigV4Identity(
                accessKeyID: identity.accessKeyID, secretAccessKey: identity.secretAccessKey.exposedValue,
                sessionToken: identity.sessionToken?.exposedValue, principalARN: identity.principal,
                accountID: identity.principalAccount, tags: identity.tags)
        }
        var limits = GatewayLimits()
        limits.maxBodyBytes = configuration.limits.maxBodyBytes
        limits.maxHeaderBytes = configuration.limits.maxHeaderBytes
        limits.headerTimeout = timeAmount(configuration.limits.headerTimeout)
        limits.bodyTimeout = timeAmount(configuration.limits.bodyTimeout)
        limits.idleTimeout = timeAmount(configuration.limits.idleTimeout)
        limits.maxConnections = configuration.limits.maxConnections
        limits.websocketIdleTimeout = timeAmount(configuration.limits.websocketIdleTimeout)
        limits.maxConcurrentStreams = configuration.limits.maxConcurrentStreams
        limits.maxConnectionBodyBytes = configuration.limits.maxConnectionBodyBytes
        return .success(
            GatewaySnapshot(
                region: configuration.region, accountID: configuration.accountID, limits: limits,
                networks: configuration.networks, apis: apis, identities: identities, listeners: listeners,
                maxClockSkew: Int(configuration.maxClockSkew.components.seconds),
                drainTimeout: Int(configuration.drainTimeout.components.seconds)))
    }

    private static func makeListener(_ listener: ListenerConfiguration, tls: ListenerTLSConfiguration) throws
        -> ListenerRuntime
    {
        let certificate = try read(tls.certificate)
        let key = try read(tls.privateKey)
        let clientCA = try read(tls.clientCA)
        let crl = try tls.clientCRL.map(read)
        let context: TLSServerContext
        do {
            context = try TLSContextFactory.makeServerContext(
                certificateChainPEM: certificate, privateKeyPEM: key, clientCAPEM: clientCA,
                minimumVersion: tls.minimumVersion == .tls13 ? .tlsv13 : .tlsv12, offersHTTP2: listener.http2)
        } catch {
            throw ConfigurationProblem(
                location: tls.location,
                message:
                    "listener \"\(listener.name)\": cannot build TLS from \(tls.certificate.path) and "
                    + "\(tls.privateKey.path): \(error)")
        }
        let policy: ClientCertificatePolicy
        do {
            policy = try ClientCertificatePolicy(
                trustRootsPEM: String(decoding: clientCA, as: UTF8.self),
                crlPEM: crl.map { String(decoding: $0, as: UTF8.self) }, allowedClients: tls.allowedClients,
                trustRootsSource: tls.clientCA.path, crlSource: tls.clientCRL?.path ?? "client_crl")
        } catch {
            throw ConfigurationProblem(location: tls.location, message: "listener \"\(listener.name)\": \(error)")
        }
        return ListenerRuntime(
            name: listener.name, tlsContext: context, clientPolicy: policy, allowedSources: listener.allowSources,
            http2: listener.http2,
            proxyProtocol: listener.proxyProtocol
                ? ListenerRuntime.ProxyProtocolSettings(trustedProxies: listener.trustedProxies) : nil)
    }

    private static func read(_ file: ConfiguredFile) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ConfigurationProblem(location: file.location, message: "cannot read \(file.path)")
        }
        return Array(data)
    }

    private static func policyProblem(_ error: any Error, source: PolicyDocumentSource, apiID: String)
        -> ConfigurationProblem
    {
        var location = source.documentLocation
        if let policyError = error as? PolicyError, let position = policyError.position,
            case .file(let path) = source.origin
        {
            location = SourceLocation(file: path, line: position.line, column: position.column)
        }
        return ConfigurationProblem(location: location, message: "policy of API \(apiID): \(error)")
    }

    /// The client TLS context for `h2://` upstreams: ALPN `h2`, TLS 1.2 or later, the certificate checked against
    /// `tls_ca` (or the system's trust store) and the upstream's host name.
    private static func makeUpstreamTLS(_ ca: ConfiguredFile?) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = ["h2"]
        if let ca {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca.path))
        }
        return try NIOSSLContext(configuration: tls)
    }

    private static func stages(
        of api: APIConfiguration, _ configuration: GatewayConfiguration, usage: UsageRuntimeBuilder,
        upstreamTLS: [String: NIOSSLContext]
    ) -> [String: [RouteDefinition]] {
        var stages: [String: [RouteDefinition]] = [:]
        for stage in api.stages {
            stages[stage.name] = api.routes.compactMap { route in
                let integration: RouteIntegration
                switch route.integration {
                case .mock(let mock):
                    integration = .mock(
                        MockResponse(
                            status: mock.status, headers: mock.headers.map { ($0.name, $0.value) }, body: mock.body))
                case .httpProxy(let proxy):
                    guard let target = proxy.targets[stage.name] else { return nil }
                    integration = .httpProxy(
                        ProxyTarget(
                            upstream: target.upstream, hostHeader: hostHeader(target.upstream),
                            pathTemplate: target.pathTemplate, timeout: timeAmount(proxy.timeout),
                            forwardsUnderscoreHeaders: configuration.forwardUnderscoreHeaders,
                            tlsContext: upstreamTLS[proxy.tlsCA?.path ?? ""], tlsCAPath: proxy.tlsCA?.path))
                }
                return RouteDefinition(
                    key: route.key.description, method: route.key.method.rawValue, segments: route.key.segments,
                    authorization: route.authorization == .awsIAM ? .awsIAM : .none, integration: integration,
                    usage: usage.routeUsage(api: api, stage: stage, route: route), websocket: route.websocket)
            }
        }
        return stages
    }

    private static func hostHeader(_ upstream: Upstream) -> String {
        switch upstream {
        case .http(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix: "localhost"
        case .http2(let host, let port, _): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension ConfigurationProblem: Error {}
