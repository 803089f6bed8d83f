import GatehouseBytes
import SwiftASN1
import X509

/// Formats a distinguished name as an RFC 4514 string, e.g. `CN=alice,O=Example`: RDNs last-to-first, short names
/// for the RFC 4514 attribute types, dotted OIDs with `#`-hex DER values for others, and RFC 4514 escaping.
///
/// Control characters are hex-escaped too (`\0A`), so the string is always safe to put in a header or a log line.
enum DistinguishedNameFormatter {
    static func format(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in
            rdn.map { self.format($0) }.joined(separator: "+")
        }.joined(separator: ",")
    }

    /// RFC 4514 §3 short names, plus `emailAddress` as OpenSSL prints it.
    static let shortNames: [ASN1ObjectIdentifier: String] = [
        .RDNAttributeType.commonName: "CN",
        .RDNAttributeType.localityName: "L",
        .RDNAttributeType.stateOrProvinceName: "ST",
        .RDNAttributeType.organizationName: "O",
        .RDNAttributeType.organizationalUnitName: "OU",
        .RDNAttributeType.countryName: "C",
        .RDNAttributeType.streetAddress: "STREET",
        .RDNAttributeType.domainComponent: "DC",
        [0, 9, 2342, 19_200_300, 100, 1, 1]: "UID",
        [2, 5, 4, 5]: "SERIALNUMBER",
        [1, 2, 840, 113_549, 1, 9, 1]: "emailAddress",
    ]

    static func typeName(_ oid: ASN1ObjectIdentifier) -> String {
        self.shortNames[oid] ?? oid.description
    }

    private static func format(_ attribute: RelativeDistinguishedName.Attribute) -> String {
        let name = self.typeName(attribute.type)
        if let text = String(attribute.value) {
            return "\(name)=\(self.escape(text))"
        }
        var coder = DER.Serializer()
        if (try? coder.serialize(ASN1Any(attribute.value))) != nil {
            return "\(name)=#" + Hex.string(coder.serializedBytes)
        }
        return "\(name)="
    }

    /// RFC 4514 §2.4 escaping, plus hex escapes for control characters.
    static func escape(_ value: String) -> String {
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            let special: Bool
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
                UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"):
                special = true
            case UInt8(ascii: "#") where index == 0:
                special = true
            case UInt8(ascii: " ") where index == 0 || index == bytes.count - 1:
                special = true
            default:
                special = false
            }
            if byte < 0x20 || byte == 0x7F {
                out.append(UInt8(ascii: "\\"))
                Hex.append(byte: byte, to: &out)
            } else if special {
                out += [UInt8(ascii: "\\"), byte]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
