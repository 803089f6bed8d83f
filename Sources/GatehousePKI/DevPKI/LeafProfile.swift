import Foundation
import X509

/// What a leaf certificate issued by a ``CertificateAuthority`` says about its holder.
///
/// A value rather than a long parameter list so tests can describe odd certificates (expired, wrong usage) in one
/// place and the command line can map its options onto it directly.
public struct LeafProfile: Sendable, Hashable {
    /// What the certified key may be used for, as the TLS extended key usage.
    public enum Usage: Sendable, Hashable {
        /// TLS client authentication (`clientAuth`).
        case client
        /// TLS server authentication (`serverAuth`).
        case server
        /// Both usages.
        case clientAndServer
        /// No extended key usage extension at all (any usage, as RFC 5280 reads an absent extension).
        case unrestricted
    }

    /// Subject common name.
    public var commonName: String
    /// Optional organizational unit (OU) in the subject, e.g. `svc` for `CN=orders,OU=svc`.
    public var organizationalUnit: String?
    /// DNS names for the subject alternative name extension.
    public var dnsNames: [String]
    /// IP addresses (textual IPv4 or IPv6) for the subject alternative name extension.
    public var ipAddresses: [String]
    /// URIs (e.g. SPIFFE IDs) for the subject alternative name extension.
    public var uris: [String]
    /// Extended key usage.
    public var usage: Usage
    /// Start of validity; `nil` means one hour before issuing, to tolerate clock skew between hosts.
    public var notBefore: Date?
    /// End of validity; `nil` means one year after `notBefore`, clamped to the issuing CA's own end.
    public var notAfter: Date?

    public init(
        commonName: String,
        organizationalUnit: String? = nil,
        dnsNames: [String] = [],
        ipAddresses: [String] = [],
        uris: [String] = [],
        usage: Usage = .client,
        notBefore: Date? = nil,
        notAfter: Date? = nil
    ) {
        self.commonName = commonName
        self.organizationalUnit = organizationalUnit
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.uris = uris
        self.usage = usage
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// The profile of a development client certificate: CN=name, optional URI SAN, EKU clientAuth.
    public static func client(_ name: String, uri: String? = nil) -> LeafProfile {
        LeafProfile(commonName: name, uris: uri.map { [$0] } ?? [], usage: .client)
    }

    /// The profile of a development server certificate: SANs `localhost`, `127.0.0.1`, `::1` plus `extraNames`
    /// (each an IP address or a DNS name), EKU serverAuth.
    public static func server(extraNames: [String] = []) -> LeafProfile {
        var profile = LeafProfile(
            commonName: extraNames.first ?? "localhost",
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1", "::1"],
            usage: .server
        )
        for name in extraNames {
            if IPAddressBytes.parse(name) != nil {
                if !profile.ipAddresses.contains(name) { profile.ipAddresses.append(name) }
            } else if !profile.dnsNames.contains(name) {
                profile.dnsNames.append(name)
            }
        }
        return profile
    }
}
