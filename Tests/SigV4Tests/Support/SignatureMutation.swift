import Foundation
import GatehouseBytes

@testable import SigV4

/// Helpers that alter a signature or a request by the smallest amount, for the "one bit off fails" checks.
enum SignatureMutation {
    /// The hex signature with the lowest bit of its last byte flipped (still valid DER for SigV4a).
    static func flipLastBit(_ hex: String) -> String {
        var bytes = Hex.decode(Array(hex.utf8))!
        bytes[bytes.count - 1] ^= 1
        return Hex.string(bytes)
    }

    /// Replaces `Signature=OLD` in an Authorization value, or `X-Amz-Signature=OLD` in a query.
    static func replacing(_ text: String, signature old: String, with new: String) -> String {
        text.replacingOccurrences(of: old, with: new)
    }

    static func signature(inAuthorization value: String) -> String {
        String(value[value.range(of: "Signature=")!.upperBound...])
    }
}
