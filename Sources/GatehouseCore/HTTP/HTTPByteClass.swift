import GatehouseBytes

/// The byte classes of RFC 9110/9112's request grammar that are HTTP's own. Token bytes (`tchar`), case folding and
/// hex digits are the shared rules of `GatehouseBytes` (`ASCII.isTokenByte`, `ASCII.lowercased`, `Hex.nibble`).
///
/// Each class is a comparison or two, not a table: a `static let` table costs a lazy-initialisation check and a
/// bounds check per byte, and measured 2–3 times slower in the parser's loops.
///
/// Shared by the head parser and the chunked-body decoder, so a field line in a trailer obeys the same rules as one
/// in the head.
enum HTTPByteClass {
    /// A byte allowed in a field value (RFC 9110 §5.5): VCHAR, obs-text (0x80–0xFF), SP or HTAB — every byte but
    /// the other controls and DEL.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool { byte >= ASCII.space ? byte != 0x7F : byte == ASCII.tab }

    /// A byte allowed in a request-target: visible ASCII (0x21–0x7E), no spaces, controls, DEL or non-ASCII.
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool { byte &- 0x21 < 0x5E }

    /// Optional whitespace (`OWS`) in HTTP: SP or HTAB only; CR and LF end a line.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == ASCII.space || byte == ASCII.tab }
}
