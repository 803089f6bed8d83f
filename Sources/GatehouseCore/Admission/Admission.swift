import GatehouseConfig
import IPNetwork

/// Gate 1 for one listener, as a pure decision: which accepted connections may reach TLS. A plain listener admits
/// the TCP peer when it is in `allow_sources`; a `proxy_protocol` listener first requires the peer to be a trusted
/// proxy, then applies `allow_sources` to the client address its PROXY header carries (or to the proxy itself for a
/// LOCAL/UNKNOWN header, so the header can never widen who reaches TLS). `GatewayServer` only acts on the verdicts.
struct Admission: Sendable {
    /// The listener's `allow_sources`; empty admits nobody.
    let allowedSources: [AllowedSource]
    /// Set on a `proxy_protocol` listener: the peers that may send a PROXY header.
    let trustedProxies: [CIDR]?

    enum Verdict: Equatable, Sendable {
        /// TLS may start; `source` is the connection's source from now on (for policies, logs, forwarding).
        case admit(source: IPAddress)
        /// A trusted proxy: read its PROXY header, then ask ``afterProxyHeader(carrying:peer:)``.
        case readProxyHeader
        /// Closed before any TLS byte; `reason` is the `connection_rejected` reason, `source` the address logged.
        case refuse(reason: String, source: String)
    }

    init(allowedSources: [AllowedSource], trustedProxies: [CIDR]?) {
        self.allowedSources = allowedSources
        self.trustedProxies = trustedProxies
    }

    init(listener: ListenerRuntime) {
        self.init(allowedSources: listener.allowedSources, trustedProxies: listener.proxyProtocol?.trustedProxies)
    }

    /// At accept: `peer` is the TCP peer (nil when its address is unknown, e.g. not IP).
    func atAccept(peer: IPAddress?) -> Verdict {
        guard let peer else { return .refuse(reason: "unknown_source", source: "unknown") }
        guard let trustedProxies else { return admit(peer) }
        guard trustedProxies.contains(where: { $0.contains(peer) }) else {
            return .refuse(reason: "untrusted_proxy", source: peer.description)
        }
        return .readProxyHeader
    }

    /// After a valid PROXY header from `peer`: `carried` is the client address it names (nil for LOCAL, UNSPEC,
    /// AF_UNIX or UNKNOWN: the proxy itself is the source).
    func afterProxyHeader(carrying carried: IPAddress?, peer: IPAddress) -> Verdict {
        admit(carried ?? peer)
    }

    /// A PROXY header that is missing or malformed: the source is unknown, so the connection closes.
    func invalidProxyHeader(peer: IPAddress) -> Verdict {
        .refuse(reason: "bad_proxy_header", source: peer.description)
    }

    private func admit(_ source: IPAddress) -> Verdict {
        guard allowedSources.contains(where: { $0.contains(source) }) else {
            return .refuse(reason: "source_not_allowed", source: source.description)
        }
        return .admit(source: source)
    }
}
