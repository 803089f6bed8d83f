import Crypto
import GatehouseBytes
import SwiftASN1
import X509

/// Who a verified client certificate says the caller is: what routing, the resource policy
/// (`gatehouse:ClientCert*` keys), the access log and the upstream (`X-Forwarded-Client-Cert`) see.
///
/// A class: every request on a connection reads its identity several times (record, upstream header, policy), and a
/// shared immutable object costs one reference count there instead of one per string.
public final class ClientIdentity: Sendable, Hashable {
    /// The leaf's subject as an RFC 4514 string, e.g. `CN=alice,O=Example` (see `DistinguishedNameFormatter`).
    public let subject: String
    /// URI subject alternative names, in certificate order (e.g. SPIFFE IDs).
    public let uris: [String]
    /// DNS subject alternative names, in certificate order.
    public let dnsNames: [String]
    /// Lowercase hex SHA-256 of the leaf's DER encoding (the certificate fingerprint).
    public let sha256Hex: String
    /// The identity as Envoy's `X-Forwarded-Client-Cert` element, made once per handshake (see
    /// ``formatXForwardedClientCert(sha256Hex:subject:uris:dnsNames:)``): every request on the connection carries it upstream.
    public let xForwardedClientCert: String
    /// The leaf's subject as parsed, for `allowed_clients`-style DN patterns matched after the handshake (usage plan
    /// consumers).
    public let subjectName: DistinguishedName

    /// Computes the identity of a leaf certificate without any trust decision.
    ///
    /// Used for resumed TLS sessions, where the verification callback does not run again: the connection's identity is
    /// recomputed from the peer certificate and must equal the one stored at the full handshake.
    /// - Throws: ``ClientCertificateRejection`` with reason `malformed` when the DER does not parse or a SAN holds
    ///   control characters or spaces (which could forge headers or log lines).
    public convenience init(leafDER: [UInt8]) throws(ClientCertificateRejection) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: leafDER)
        } catch {
            throw ClientCertificateRejection(
                reason: ClientCertificateRejection.malformed,
                message: "The client certificate does not parse: \(error)."
            )
        }
        try self.init(certificate: certificate, derBytes: leafDER)
    }

    init(certificate: Certificate, derBytes: [UInt8]) throws(ClientCertificateRejection) {
        var uris: [String] = []
        var dnsNames: [String] = []
        let alternativeNames: SubjectAlternativeNames?
        do {
            alternativeNames = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw ClientCertificateRejection(
                reason: ClientCertificateRejection.malformed,
                message: "The client certificate's subject alternative names do not parse: \(error)."
            )
        }
        for name in alternativeNames ?? SubjectAlternativeNames() {
            switch name {
            case .uniformResourceIdentifier(let uri): uris.append(uri)
            case .dnsName(let dns): dnsNames.append(dns)
            default: break
            }
        }
        for value in uris + dnsNames where value.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw ClientCertificateRejection(
                reason: ClientCertificateRejection.malformed,
                message: "The client certificate has a subject alternative name with spaces or control characters."
            )
        }
        self.subject = DistinguishedNameFormatter.format(certificate.subject)
        self.subjectName = certificate.subject
        self.uris = uris
        self.dnsNames = dnsNames
        self.sha256Hex = Hex.string(SHA256.hash(data: derBytes))
        self.xForwardedClientCert = Self.formatXForwardedClientCert(
            sha256Hex: sha256Hex, subject: subject, uris: uris, dnsNames: dnsNames)
    }

    /// Identities are equal when every part is: a resumed session's recomputed identity must equal the stored one.
    public static func == (lhs: ClientIdentity, rhs: ClientIdentity) -> Bool {
        lhs.sha256Hex == rhs.sha256Hex && lhs.subject == rhs.subject && lhs.uris == rhs.uris
            && lhs.dnsNames == rhs.dnsNames && lhs.xForwardedClientCert == rhs.xForwardedClientCert
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sha256Hex)
        hasher.combine(subject)
        hasher.combine(uris)
        hasher.combine(dnsNames)
    }

    /// The identity as Envoy's `X-Forwarded-Client-Cert` element:
    /// `Hash=<hex>;Subject="<DN>";URI=<uri>;DNS=<dns>`.
    ///
    /// `Subject` is always quoted, as Envoy does; a `"` in it is already escaped as `\"` by RFC 4514, which is the
    /// XFCC escape. `URI=` and `DNS=` repeat once per SAN in certificate order and are absent when the certificate has
    /// none; a URI or DNS value containing `,`, `;`, `=` or `"` is quoted with `"` escaped as `\"`, as the XFCC
    /// grammar asks (Envoy writes them bare, which would make the header unparsable).
    private static func formatXForwardedClientCert(
        sha256Hex: String, subject: String, uris: [String], dnsNames: [String]
    ) -> String {
        var parts = ["Hash=\(sha256Hex)", "Subject=\"\(subject)\""]
        parts += uris.map { "URI=\(quotedIfNeeded($0))" }
        parts += dnsNames.map { "DNS=\(quotedIfNeeded($0))" }
        return parts.joined(separator: ";")
    }

    private static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            if character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        value.contains(where: { ",;=\"".contains($0) }) ? self.quoted(value) : value
    }
}
