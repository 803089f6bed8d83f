import GatehouseBytes

/// Which client header names may reach the upstream, judged on the name's bytes alone (contract section 3,
/// "Hostile input").
///
/// Upstreams behind CGI, WSGI, PHP-FPM and many frameworks see `X_Gatehouse_Principal` and `X-Gatehouse-Principal`
/// as the same variable (`HTTP_X_GATEHOUSE_PRINCIPAL`), so a client could plant an identity Gatehouse never
/// vouched for next to the real one. Method and URL override headers would let the upstream act on a method or
/// path the router and the policy never saw. So, whatever the configuration:
/// - a name equal to one Gatehouse sets (section 4), or starting with `X-Gatehouse-`, once `_` is read as `-` and
///   case is ignored, is dropped;
/// - `X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override`, `X-Original-URL` and `X-Rewrite-URL` are
///   dropped, in any case and with `_` for `-`.
///
/// And, as nginx does by default (`underscores_in_headers off`), every other name holding `_` is dropped unless
/// `forward_underscore_headers` is set. The rule only decides what is forwarded: SigV4 still sees every header
/// the client signed.
struct ForwardedHeaderRule: Sendable, Equatable {
    /// Whether names holding `_` are forwarded (`forward_underscore_headers`); look-alikes of Gatehouse's own
    /// headers and override headers are dropped all the same.
    let forwardsUnderscoreNames: Bool

    init(forwardsUnderscoreNames: Bool = false) {
        self.forwardsUnderscoreNames = forwardsUnderscoreNames
    }

    /// Whether a client header with this name may be forwarded to the upstream.
    func forwards<Name: Collection<UInt8>>(_ name: Name) -> Bool {
        guard name.contains(Self.underscore) else {
            return !Self.dropped.contains(bytes: name) && !Self.hasGatehousePrefix(name)
        }
        guard forwardsUnderscoreNames else { return false }
        let dashed = name.lazy.map { $0 == Self.underscore ? Self.dash : $0 }
        return !Self.dropped.contains(bytes: dashed) && !Self.hasGatehousePrefix(dashed)
    }

    /// The headers Gatehouse sets for the upstream (contract section 4, plus the other forwarding headers it
    /// removes), and the override headers.
    static let ownedNames = [
        "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-client-cert",
        "x-gatehouse-principal", "x-gatehouse-source-vpce", "x-request-id", "forwarded", "x-real-ip",
    ]
    /// The API key: never forwarded, nor its `x_api_key` look-alike when underscore names are.
    static let credentialNames = ["x-api-key"]
    static let overrideNames = [
        "x-http-method-override", "x-http-method", "x-method-override", "x-original-url", "x-rewrite-url",
    ]

    private static let dropped = HeaderNameSet(ownedNames + overrideNames + credentialNames)
    private static let gatehousePrefix = Array("x-gatehouse-".utf8)
    private static let underscore = UInt8(ascii: "_")
    private static let dash = UInt8(ascii: "-")

    private static func hasGatehousePrefix<Name: Collection<UInt8>>(_ name: Name) -> Bool {
        name.count >= gatehousePrefix.count
            && ASCII.equalsIgnoringCase(name.prefix(gatehousePrefix.count), gatehousePrefix)
    }
}
