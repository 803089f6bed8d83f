import Foundation
import GatehouseConfig
import IPNetwork
import SigV4

/// One immutable, fully validated configuration. The running gateway reads the current snapshot per connection
/// and per request; a reload builds a new one off the event loops and swaps it in whole.
public final class GatewaySnapshot: Sendable {
    public let region: String
    public let accountID: String
    public let limits: GatewayLimits
    public let networks: [SourceNetwork]
    public let router: Router
    public let verifier: SigV4Verifier
    /// The principal of each identity, in the order of the verifier's identity table (`VerifiedCaller.identityIndex`),
    /// built once here rather than per verified request.
    private let principals: [CallerPrincipal]
    public let listeners: [String: ListenerRuntime]
    public let drainTimeout: Int
    /// Every `HTTP_PROXY` upstream the routes name: after a reload, pooled connections to any other are closed.
    public let upstreams: Set<Upstream>

    public init(
        region: String, accountID: String, limits: GatewayLimits, networks: [SourceNetwork], apis: [APIDefinition],
        identities: [SigV4Identity], listeners: [ListenerRuntime], maxClockSkew: Int, drainTimeout: Int
    ) {
        self.region = region
        self.accountID = accountID
        self.limits = limits
        self.networks = networks
        self.router = Router(apis: apis, region: region)
        let table = SigV4IdentityTable(identities)
        self.verifier = SigV4Verifier(region: region, maxClockSkew: maxClockSkew, identities: table)
        self.principals = table.identities.map(Self.principal(of:))
        self.listeners = Dictionary(listeners.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.drainTimeout = drainTimeout
        var upstreams = Set<Upstream>()
        for api in apis {
            for route in api.stages.values.joined() {
                if case .httpProxy(let target) = route.integration { upstreams.insert(target.upstream) }
            }
        }
        self.upstreams = upstreams
    }

    /// The principal of the identity that signed a request this snapshot's verifier accepted (the verifier's table
    /// is the one the principals were built from, so the index names the identity that verified).
    func principal(for caller: VerifiedCaller) -> CallerPrincipal {
        if let index = caller.identityIndex, principals.indices.contains(index),
            principals[index].accessKeyID == caller.accessKeyID
        {
            return principals[index]
        }
        return CallerPrincipal(
            accessKeyID: caller.accessKeyID, arn: caller.principalARN ?? caller.accessKeyID,
            account: caller.accountID, tags: caller.tags)
    }

    private static func principal(of identity: SigV4Identity) -> CallerPrincipal {
        CallerPrincipal(
            accessKeyID: identity.accessKeyID, arn: identity.principalARN ?? identity.accessKeyID,
            account: identity.accountID, tags: identity.tags)
    }

    /// The first named network containing the address: gives `aws:SourceVpce`, `aws:SourceVpc` and
    /// `X-Gatehouse-Source-Vpce`.
    public func network(for address: IPAddress) -> SourceNetwork? {
        SourceNetwork.containing(address, in: networks)
    }
}
