/// SigV4's URI encoding: every byte outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with
/// uppercase hex. The path keeps `/`; query names and values do not.
enum URIEncoding {
    private static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39, 0x2d, 0x2e, 0x5f, 0x7e: return true
        default: return false
        }
    }

    /// Appends `bytes` URI-encoded to `out`; `/` is kept when `keepSlash` is true.
    static func append<S: Sequence>(_ bytes: S, keepSlash: Bool, to out: inout [UInt8]) where S.Element == UInt8 {
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == ASCII.slash) {
                out.append(byte)
            } else {
                out.append(ASCII.percent)
                out.append(upperDigits[Int(byte >> 4)])
                out.append(upperDigits[Int(byte & 0x0f)])
            }
        }
    }

    /// The bytes with every valid `%XX` decoded. An invalid escape stays literal (its `%` is then re-encoded as
    /// `%25`), and `+` stays a literal plus: SigV4 query strings are not form-encoded.
    static func percentDecoded<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.percent, bytes.endIndex - index >= 3,
                let high = Hex.nibble(bytes[index + 1]), let low = Hex.nibble(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// Decodes then re-encodes, which is the canonical form of a query name or value whatever escaping the client
    /// chose on the wire.
    static func appendCanonicalQueryComponent<C: Collection>(_ bytes: C, to out: inout [UInt8])
    where C.Element == UInt8, C.Index == Int {
        if !bytes.contains(ASCII.percent) {
            append(bytes, keepSlash: false, to: &out)
        } else {
            append(percentDecoded(bytes), keepSlash: false, to: &out)
        }
    }
}
