/// A condition key resolved at policy load: which request fact it reads, so evaluation is a `switch`
/// rather than a dictionary lookup or string comparison.
///
/// Key names are case-insensitive (`aws:SourceIp` == `aws:sourceip`). Names in the `aws:` and `gatehouse:`
/// namespaces that Gatehouse does not provide are rejected at load time: IAM would treat them as always
/// absent, which turns a typo in a Deny condition into a silent hole. Keys of other namespaces are allowed
/// (they can only be supplied by `policy simulate --context`).
struct ContextKey: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case sourceIP
        case sourceVpce
        case sourceVpc
        case principalArn
        case principalAccount
        /// Lowercased tag key.
        case principalTag(String)
        case currentTime
        case epochTime
        case secureTransport
        case userAgent
        case clientCertSubject
        case clientCertURI
        case clientCertDNS
        case clientCertSHA256
        /// A key outside the `aws:`/`gatehouse:` namespaces; only `RequestFacts.extra` can supply it.
        case custom
    }

    let kind: Kind
    /// Canonical spelling for display (`aws:SourceIp`), or the name as written for custom keys.
    let name: String
    let lowercasedName: String

    init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
        self.lowercasedName = name.lowercased()
    }

    private static let known: [(String, Kind)] = [
        ("aws:SourceIp", .sourceIP),
        ("aws:VpcSourceIp", .sourceIP),
        ("aws:SourceVpce", .sourceVpce),
        ("aws:SourceVpc", .sourceVpc),
        ("aws:PrincipalArn", .principalArn),
        ("aws:PrincipalAccount", .principalAccount),
        ("aws:CurrentTime", .currentTime),
        ("aws:EpochTime", .epochTime),
        ("aws:SecureTransport", .secureTransport),
        ("aws:UserAgent", .userAgent),
        ("gatehouse:ClientCertSubject", .clientCertSubject),
        ("gatehouse:ClientCertUri", .clientCertURI),
        ("gatehouse:ClientCertDns", .clientCertDNS),
        ("gatehouse:ClientCertSha256", .clientCertSHA256),
    ]

    /// Every key derived from `RequestFacts` fields other than tags, for listing a request's context.
    static let derivedKeys: [ContextKey] = known.map { ContextKey(kind: $0.1, name: $0.0) }

    /// The supported key names, for error messages.
    static let supportedNames: String = known.map(\.0).joined(separator: ", ") + ", aws:PrincipalTag/KEY"

    private static let principalTagPrefix = "aws:principaltag/"

    /// Resolves a key name; nil when it is in the `aws:` or `gatehouse:` namespace but not provided here,
    /// or is not of the form `namespace:name`.
    init?(_ name: String) {
        let lowered = name.lowercased()
        if let match = Self.known.first(where: { $0.0.lowercased() == lowered }) {
            self.init(kind: match.1, name: match.0)
            return
        }
        if lowered.hasPrefix(Self.principalTagPrefix) {
            let tag = name.dropFirst(Self.principalTagPrefix.count)
            guard !tag.isEmpty else { return nil }
            self.init(kind: .principalTag(tag.lowercased()), name: "aws:PrincipalTag/" + tag)
            return
        }
        guard let colon = lowered.firstIndex(of: ":"), colon != lowered.startIndex,
            lowered.index(after: colon) != lowered.endIndex
        else { return nil }
        let namespace = lowered[..<colon]
        guard namespace != "aws", namespace != "gatehouse" else { return nil }
        self.init(kind: .custom, name: name)
    }

    /// Keys that can carry several values (the client certificate's SANs).
    var isMultiValued: Bool {
        kind == .clientCertURI || kind == .clientCertDNS || kind == .custom
    }
}
