import Foundation
import GatehouseBytes
import SwiftASN1
import X509

/// One `allowed_clients` entry: which client identities a listener accepts once the chain is trusted.
///
/// Matching rules (exactly):
/// - A pattern is a **DN pattern** when the text before its first `=` is an attribute type: a short name
///   (`CN`, `L`, `ST`, `O`, `OU`, `C`, `STREET`, `DC`, `UID`, `SERIALNUMBER`, `emailAddress` or `E`;
///   case-insensitive) or a dotted OID (`2.5.4.3`). It is a list of `TYPE=VALUE` separated by `,` (or `+`), spaces
///   around types and values ignored. It matches when **every** listed attribute is present in the subject with that
///   value, in any order and in any RDN; other subject attributes are ignored (`CN=orders,OU=svc` matches
///   `OU=svc,CN=orders,O=Corp`). Values compare case-sensitively; `*` in a value matches any run of characters (also
///   none); `\` escapes the next character (`\,` `\+` `\=` `\\`, and `\*` for a literal star).
/// - Any other pattern is a **SAN pattern**, matched against every URI SAN (case-sensitive) and every DNS SAN
///   (case-insensitive) of the leaf; `*` matches any run of characters including `/` and `.`
///   (`spiffe://corp.internal/ns/prod/*`, `*.svc.internal`). Without `*` the whole SAN must equal the pattern.
/// - An empty list of patterns allows every trusted client; otherwise the client must match at least one.
public struct AllowedClientPattern: Sendable, Hashable, CustomStringConvertible {
    /// One `TYPE=VALUE` of a DN pattern.
    struct AttributeRequirement: Sendable, Hashable {
        var type: ASN1ObjectIdentifier
        var value: WildcardPattern
    }

    private enum Kind: Sendable, Hashable {
        case distinguishedName([AttributeRequirement])
        case subjectAlternativeName(uri: WildcardPattern, dns: WildcardPattern)
    }

    private let kind: Kind
    /// The pattern as configured.
    public let description: String

    /// Parses a pattern; throws ``PKIError`` for an empty pattern or a malformed DN pattern (unknown attribute type,
    /// missing `=`, trailing backslash).
    public init(_ text: String) throws {
        self.description = text
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PKIError.invalidArgument("An allowed_clients pattern must not be empty.")
        }
        if Self.looksLikeDistinguishedName(text) {
            self.kind = .distinguishedName(try Self.parseDistinguishedName(text))
        } else {
            self.kind = .subjectAlternativeName(
                uri: WildcardPattern(text, questionMark: false),
                dns: WildcardPattern(text, caseInsensitive: true, questionMark: false))
        }
    }

    /// Whether a verified client identity matches the pattern (the same rule as at the handshake).
    public func matches(_ identity: ClientIdentity) -> Bool {
        matches(subject: identity.subjectName, uris: identity.uris, dnsNames: identity.dnsNames)
    }

    /// Whether a leaf with this subject and these SANs matches the pattern.
    func matches(subject: DistinguishedName, uris: [String], dnsNames: [String]) -> Bool {
        switch self.kind {
        case .subjectAlternativeName(let uri, let dns):
            return uris.contains { uri.matches($0) } || dnsNames.contains { dns.matches($0) }
        case .distinguishedName(let requirements):
            let attributes = subject.flatMap { Array($0) }
            return requirements.allSatisfy { wanted in
                attributes.contains { attribute in
                    guard attribute.type == wanted.type, let value = String(attribute.value) else { return false }
                    return wanted.value.matches(value)
                }
            }
        }
    }

    private static func looksLikeDistinguishedName(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "=") else { return false }
        let type = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard let first = type.unicodeScalars.first else { return false }
        if ("0"..."9").contains(first) {
            return type.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == "." }
        }
        return type.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
    }

    private static func parseDistinguishedName(_ text: String) throws -> [AttributeRequirement] {
        var result: [AttributeRequirement] = []
        var type = ""
        var value: [WildcardPattern.Token] = []
        var inValue = false
        var escaped = false
        func finish() throws {
            let name = type.trimmingCharacters(in: .whitespaces)
            guard inValue, !name.isEmpty else {
                throw PKIError.invalidArgument(
                    "The allowed_clients pattern \"\(text)\" is not a list of TYPE=VALUE attributes."
                )
            }
            result.append(
                AttributeRequirement(type: try Self.attributeType(name, pattern: text), value: Self.trimTokens(value)))
            type = ""
            value = []
            inValue = false
        }
        for character in text {
            if escaped {
                if inValue { value += character.utf8.map { .byte($0) } } else { type.append(character) }
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case ",", "+": try finish()
            case "=" where !inValue: inValue = true
            case "*" where inValue: value.append(.star)
            default:
                if inValue { value += character.utf8.map { .byte($0) } } else { type.append(character) }
            }
        }
        guard !escaped else {
            throw PKIError.invalidArgument("The allowed_clients pattern \"\(text)\" ends with a lone backslash.")
        }
        try finish()
        return result
    }

    /// Drops unescaped-looking spaces around a value (escaped characters were appended the same way; a value that
    /// must start or end with a space is not supported).
    private static func trimTokens(_ tokens: [WildcardPattern.Token]) -> WildcardPattern {
        var tokens = tokens[...]
        while tokens.first == .byte(ASCII.space) { tokens = tokens.dropFirst() }
        while tokens.last == .byte(ASCII.space) { tokens = tokens.dropLast() }
        return WildcardPattern(tokens: Array(tokens), caseInsensitive: false)
    }

    private static func attributeType(_ name: String, pattern: String) throws -> ASN1ObjectIdentifier {
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) {
            let arcs = name.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt($0) }
            guard arcs.count >= 2, arcs.count == name.split(separator: ".", omittingEmptySubsequences: false).count
            else {
                throw PKIError.invalidArgument("The allowed_clients pattern \"\(pattern)\" has a bad OID \"\(name)\".")
            }
            return try ASN1ObjectIdentifier(elements: arcs)
        }
        if name.lowercased() == "e" { return [1, 2, 840, 113_549, 1, 9, 1] }
        if let known = DistinguishedNameFormatter.shortNames.first(where: { $0.value.lowercased() == name.lowercased() }
        ) {
            return known.key
        }
        throw PKIError.invalidArgument(
            "The allowed_clients pattern \"\(pattern)\" names the unknown attribute type \"\(name)\"; use CN, O, OU, "
                + "C, L, ST, STREET, DC, UID, SERIALNUMBER, emailAddress or a dotted OID."
        )
    }
}
