import GatehouseBytes

/// SigV4's URI encoding: every byte outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with
/// uppercase hex. The path keeps `/`; query names and values do not.
enum URIEncoding {
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39, 0x2d, 0x2e, 0x5f, 0x7e: return true
        default: return false
        }
    }

    /// `bytes` URI-encoded into a writer; `/` is kept when `keepSlash` is true. A run that needs no escaping is
    /// copied whole.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, keepSlash: Bool, to out: inout ByteWriter) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if isUnreserved(byte) || (keepSlash && byte == ASCII.slash) { continue }
            out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            out.append(ASCII.percent)
            out.append(Hex.upperDigit(byte >> 4))
            out.append(Hex.upperDigit(byte & 0x0f))
            runStart = index + 1
        }
        out.append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    /// The byte at `index` with a valid `%XX` escape decoded, and the index after it. An invalid escape stays
    /// literal (its `%` is then re-encoded as `%25`), and `+` stays a literal plus: SigV4 query strings are not
    /// form-encoded.
    @inline(__always)
    static func decodedByte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (UInt8, Int) {
        let byte = bytes[index]
        if byte == ASCII.percent, end - index >= 3, let high = Hex.nibble(bytes[index + 1]),
            let low = Hex.nibble(bytes[index + 2])
        {
            return (high << 4 | low, index + 3)
        }
        return (byte, index + 1)
    }

    /// The bytes with every valid `%XX` decoded (see `decodedByte`).
    static func percentDecoded(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let (byte, next) = decodedByte(bytes, at: index, end: bytes.count)
            out.append(byte)
            index = next
        }
        return out
    }
}
