import GatehouseCore

/// The HTTP/2 flood guard in front of NIOHTTP2 (`HTTP2FloodGuard`), fed a client's connection bytes: the preface,
/// then frames (header blocks decoded by its shadow HPACK decoder).
///
/// Properties: the same verdict (no flood, or which flood), the same last client stream and the same open header
/// block whether the bytes arrive in one read, one byte per read or seven per read — a flood cannot be hidden, nor
/// an ordinary connection cut off, by how TCP splits the bytes.
enum HTTP2FramesFuzzTarget {
    static let target = FuzzTarget(name: "http2-frames", maximumLength: 8192, run: run)

    /// A small limit, so the fuzzer reaches it with short inputs.
    static let maxHeaderBytes = 1024

    /// The product call, kept to these lines so a change of the guard's API is adapted here alone.
    static func digest(_ input: [UInt8], readSize: Int) -> HTTP2FloodGuardDigest {
        HTTP2FloodGuardDigest(scanning: input, readSize: readSize, maxHeaderBytes: maxHeaderBytes)
    }

    static func run(_ input: [UInt8]) {
        let whole = digest(input, readSize: input.count)
        for readSize in [1, 7] {
            let split = digest(input, readSize: readSize)
            FuzzCheck.require(
                split.flood == whole.flood, "reads of \(readSize) gave \(split), one read gave \(whole)")
            if whole.flood == nil {
                FuzzCheck.require(split == whole, "reads of \(readSize) gave \(split), one read gave \(whole)")
            }
        }
    }
}
