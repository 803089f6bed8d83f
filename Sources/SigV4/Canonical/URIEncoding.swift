import GatehouseBytes

/// SigV4's URI encoding: every byte outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with
/// uppercase hex. The path keeps `/`; query names and values do not. Decoding is `PercentEncoding`'s, shared with the
/// gateway's presigned-query filter.
enum URIEncoding {
    /// `bytes` URI-encoded into a writer; `/` is kept when `keepSlash` is true. A run that needs no escaping is
    /// copied whole.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, keepSlash: Bool, to out: inout ByteWriter) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if PercentEncoding.isUnreserved(byte) || (keepSlash && byte == ASCII.slash) { continue }
            out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            out.append(ASCII.percent)
            out.append(Hex.upperDigit(byte >> 4))
            out.append(Hex.upperDigit(byte & 0x0f))
            runStart = index + 1
        }
        out.append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
}
