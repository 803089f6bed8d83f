import GatehouseBytes

/// The `SignedHeaders` value, `host;x-amz-date`, read in place: names are compared ASCII case-insensitively
/// rather than lowercased into new strings.
struct SignedHeaderList: Sendable {
    /// The `;`-separated names as sent.
    let text: TextSlice
    /// No empty name and no whitespace: `a;;b`, `a; b` and the empty list are not valid.
    let isValid: Bool
    /// Whether `host` is signed (required).
    let signsHost: Bool
    /// Whether `x-amz-region-set` is signed (SigV4a header form).
    let signsRegionSet: Bool

    /// Checks the list and notes the names the verifier asks about, in one pass.
    init(_ text: TextSlice) {
        self.text = text
        (isValid, signsHost, signsRegionSet) = text.withBytes { bytes in
            var valid = !SWAR.containsSpaceOrControl(bytes) || !bytes.contains(where: ASCII.isWhitespace)
            var host = false
            var regionSet = false
            var start = 0
            while start <= bytes.count {
                let index = SWAR.firstIndex(of: ASCII.semicolon, in: bytes, start..<bytes.count) ?? bytes.count
                let name = UnsafeBufferPointer(rebasing: bytes[start..<index])
                switch name.count {
                case 0: valid = false
                case 4: host = host || ASCII.equalsIgnoringCase(name, Self.literal("host"))
                case 16: regionSet = regionSet || ASCII.equalsIgnoringCase(name, Self.literal("x-amz-region-set"))
                default: break
                }
                start = index + 1
            }
            return (valid, host, regionSet)
        }
    }

    private static func literal(_ text: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }
}
