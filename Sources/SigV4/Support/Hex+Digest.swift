import Crypto
import GatehouseBytes

extension Hex {
    /// The lowercase hex form of a digest in a stack buffer, for comparing or hashing without an allocation.
    static func withLowercase<D: Digest, R>(_ digest: D, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        digest.withUnsafeBytes { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { hex in
                write(bytes, to: hex.baseAddress!)
                return body(UnsafeBufferPointer(hex))
            }
        }
    }

    /// The lowercase hex form of raw digest bytes in a stack buffer.
    static func withLowercase<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { hex in
            write(bytes, to: hex.baseAddress!)
            return body(UnsafeBufferPointer(hex))
        }
    }
}
