import GatehouseBytes
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Makes the per-request id (`x-amzn-RequestId`, `X-Request-Id`): a random (version 4) UUID in lower case.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id on Linux — three system calls on every
/// request. This reads the same kernel source 4 KiB at a time through one descriptor kept open, so 256 ids cost one
/// `read`; when the device cannot be read it falls back to the standard library's system generator.
final class RequestIDGenerator: Sendable {
    static let shared = RequestIDGenerator()

    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var next = 4096
    }

    private let pool = NIOLockedValueBox(Pool())
    private let urandom: Int32

    init() {
        urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        if urandom >= 0 { close(urandom) }
    }

    /// A new id, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    func next() -> String {
        var random = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &random) { fill($0) }
        return Self.format(random)
    }

    private func fill(_ target: UnsafeMutableRawBufferPointer) {
        let filled = pool.withLockedValue { pool -> Bool in
            if pool.next + target.count > pool.bytes.count {
                guard refill(&pool.bytes) else { return false }
                pool.next = 0
            }
            pool.bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[pool.next..<pool.next + target.count]))
            }
            pool.next += target.count
            return true
        }
        if !filled {
            var generator = SystemRandomNumberGenerator()
            for index in target.indices { target[index] = generator.next() }
        }
    }

    private func refill(_ bytes: inout [UInt8]) -> Bool {
        guard urandom >= 0 else { return false }
        return bytes.withUnsafeMutableBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = read(urandom, buffer.baseAddress! + offset, buffer.count - offset)
                if count > 0 {
                    offset += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// RFC 9562 §5.4 layout: version 4 in the high nibble of byte 6, variant `10` in the high bits of byte 8.
    static func format(_ random: (UInt64, UInt64)) -> String {
        var bytes = random
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40
            raw[8] = (raw[8] & 0x3F) | 0x80
            return String(unsafeUninitializedCapacity: 36) { output in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        output[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    output[position] = Hex.lowerDigit(raw[index] >> 4)
                    output[position + 1] = Hex.lowerDigit(raw[index] & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }
}
