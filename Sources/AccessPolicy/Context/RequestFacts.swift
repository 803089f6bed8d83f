import Foundation
import GatehouseBytes
import IPNetwork

/// Everything the gateway knows about a request that a policy condition may ask about.
///
/// Both `serve` and `policy simulate` fill this one struct, and the policy maps it to IAM context keys the same
/// way for both, so a simulation answers exactly what the gateway would. It is plain data: building it does no
/// work; keys are derived only when a condition asks for them.
///
/// | field | context key |
/// |---|---|
/// | `sourceIP` | `aws:SourceIp` (and `aws:VpcSourceIp`, the original caller address of a private API) |
/// | `sourceVpce` / `sourceVpc` | `aws:SourceVpce` / `aws:SourceVpc` |
/// | `principalArn` | `aws:PrincipalArn` (absent for anonymous callers) |
/// | `principalAccount` | `aws:PrincipalAccount` (taken from the ARN when nil) |
/// | `principalTags` | `aws:PrincipalTag/KEY` (tag keys compared case-insensitively) |
/// | `now` | `aws:CurrentTime` (ISO 8601 UTC), `aws:EpochTime` |
/// | `secureTransport` | `aws:SecureTransport` |
/// | `userAgent` | `aws:UserAgent` |
/// | `clientCertSubject` | `gatehouse:ClientCertSubject` |
/// | `clientCertURIs` / `clientCertDNS` | `gatehouse:ClientCertUri` / `gatehouse:ClientCertDns` (multi-valued) |
/// | `clientCertSHA256` | `gatehouse:ClientCertSha256` |
/// | `extra` | any key, as given (`--context KEY=VALUE`); overrides the derived value of the same key |
public struct RequestFacts: Sendable {
    public var sourceIP: IPAddress?
    public var sourceVpce: String?
    public var sourceVpc: String?
    /// The authenticated caller; nil means anonymous (no SigV4).
    public var principalArn: String?
    public var principalAccount: String?
    public var principalTags: [String: String]
    public var now: Date
    public var secureTransport: Bool
    public var userAgent: String?
    public var clientCertSubject: String?
    public var clientCertURIs: [String]
    public var clientCertDNS: [String]
    public var clientCertSHA256: String?
    /// Extra context keys (simulation); key names are matched case-insensitively.
    public var extra: [String: [String]]

    public init(
        sourceIP: IPAddress? = nil,
        sourceVpce: String? = nil,
        sourceVpc: String? = nil,
        principalArn: String? = nil,
        principalAccount: String? = nil,
        principalTags: [String: String] = [:],
        now: Date = Date(),
        secureTransport: Bool = true,
        userAgent: String? = nil,
        clientCertSubject: String? = nil,
        clientCertURIs: [String] = [],
        clientCertDNS: [String] = [],
        clientCertSHA256: String? = nil,
        extra: [String: [String]] = [:]
    ) {
        self.sourceIP = sourceIP
        self.sourceVpce = sourceVpce
        self.sourceVpc = sourceVpc
        self.principalArn = principalArn
        self.principalAccount = principalAccount
        self.principalTags = principalTags
        self.now = now
        self.secureTransport = secureTransport
        self.userAgent = userAgent
        self.clientCertSubject = clientCertSubject
        self.clientCertURIs = clientCertURIs
        self.clientCertDNS = clientCertDNS
        self.clientCertSHA256 = clientCertSHA256
        self.extra = extra
    }

    /// Facts for a caller at `sourceIP`, with `aws:SourceVpce`/`aws:SourceVpc` taken from the network that
    /// contains it (see `SourceNetwork.containing`): the one constructor `serve` and `policy simulate` share.
    public init(sourceIP: IPAddress, networks: [SourceNetwork], principalArn: String?, now: Date = Date()) {
        let network = SourceNetwork.containing(sourceIP, in: networks)
        self.init(
            sourceIP: sourceIP, sourceVpce: network?.id, sourceVpc: network?.vpc, principalArn: principalArn,
            now: now)
    }

    /// The values of one context key as text, or nil when the key is absent from this request.
    ///
    /// For display and debugging (`policy simulate`); evaluation reads typed values without formatting.
    public func values(forKey name: String) -> [String]? {
        guard let key = ContextKey(name) else {
            return extra.first { ASCII.equalsIgnoringCase($0.key, name) }?.value
        }
        return lookup(key).texts
    }

    /// Every context key present for this request with its values as text, keyed by canonical name.
    public var contextValues: [String: [String]] {
        var result: [String: [String]] = [:]
        for key in ContextKey.derivedKeys {
            if let texts = lookup(key).texts { result[key.name] = texts }
        }
        for (tag, _) in principalTags {
            let key = ContextKey(kind: .principalTag(tag.lowercased()), name: "aws:PrincipalTag/\(tag)")
            if let texts = lookup(key).texts { result[key.name] = texts }
        }
        for (name, values) in extra {
            result[ContextKey(name)?.name ?? name] = values
        }
        return result
    }

    /// The typed value(s) of a key for this request.
    func lookup(_ key: ContextKey) -> ContextValues {
        if !extra.isEmpty, let override = extra.first(where: { ASCII.equalsIgnoringCase($0.key, key.name) }) {
            return .strings(override.value)
        }
        switch key.kind {
        case .sourceIP:
            return sourceIP.map { .one(.ip($0)) } ?? .absent
        case .sourceVpce:
            return sourceVpce.map { .one(.string($0)) } ?? .absent
        case .sourceVpc:
            return sourceVpc.map { .one(.string($0)) } ?? .absent
        case .principalArn:
            return principalArn.map { .one(.string($0)) } ?? .absent
        case .principalAccount:
            if let principalAccount { return .one(.string(principalAccount)) }
            guard let principalArn, let account = ARNComponents.account(of: principalArn) else { return .absent }
            return .one(.string(account))
        case .principalTag(let loweredTag):
            guard let tag = principalTags.first(where: { ASCII.equalsIgnoringCase($0.key, loweredTag) }) else {
                return .absent
            }
            return .one(.string(tag.value))
        case .currentTime:
            return .one(.date(now))
        case .epochTime:
            return .one(.epoch(now))
        case .secureTransport:
            return .one(.bool(secureTransport))
        case .userAgent:
            return userAgent.map { .one(.string($0)) } ?? .absent
        case .clientCertSubject:
            return clientCertSubject.map { .one(.string($0)) } ?? .absent
        case .clientCertURI:
            return clientCertURIs.isEmpty ? .absent : .strings(clientCertURIs)
        case .clientCertDNS:
            return clientCertDNS.isEmpty ? .absent : .strings(clientCertDNS)
        case .clientCertSHA256:
            return clientCertSHA256.map { .one(.string($0)) } ?? .absent
        case .custom:
            return .absent
        }
    }
}
