import GatehouseCore

/// The upstream leg's HTTP/1.1 response decoder (head parser, body framing, chunked decoding), fed an upstream's
/// bytes. The input's first byte chooses the exchange: bit 0, the first request was HEAD; bit 1, another request
/// follows each reusable response; bit 2, the upstream closes after the last byte; the second byte is a read size
/// (1–256), the fuzzer's split points.
///
/// Properties: the same parts and the same error whether the bytes arrive in one read, in reads of the chosen size
/// or one byte per read; nothing handed on that was not received (heads and bodies together no larger than the
/// input); no head larger than the limit; every body exactly as long as its head's framing says.
enum ResponseDecoderFuzzTarget {
    static let target = FuzzTarget(name: "http-response", maximumLength: 4096, run: run)

    /// A small head limit, so the fuzzer reaches it with short inputs.
    static let maxHeadBytes = 1024

    /// The product call, kept to these lines so a change of the decoder's API is adapted here alone.
    static func digest(_ input: ArraySlice<UInt8>, readSize: Int, flags: UInt8) -> UpstreamResponseDigest {
        UpstreamResponseDigest(
            decoding: Array(input), readSize: readSize, bodyless: flags & 1 != 0, keepSending: flags & 2 != 0,
            closeAtEnd: flags & 4 != 0, maxHeadBytes: maxHeadBytes)
    }

    static func run(_ input: [UInt8]) {
        guard input.count >= 2 else { return }
        let flags = input[0]
        let chosen = Int(input[1]) + 1
        let bytes = input[2...]
        let whole = digest(bytes, readSize: bytes.count, flags: flags)
        FuzzCheck.require(
            whole.bytesHandedOn <= bytes.count, "handed on \(whole.bytesHandedOn) bytes of \(bytes.count)")
        FuzzCheck.require(whole.largestHead <= maxHeadBytes, "handed on a head of \(whole.largestHead) bytes")
        FuzzCheck.require(whole.framingMismatch == nil, whole.framingMismatch ?? "")
        for readSize in [1, chosen] {
            let split = digest(bytes, readSize: readSize, flags: flags)
            FuzzCheck.require(
                split == whole, "reads of \(readSize) byte(s) gave \(split.lines), one read gave \(whole.lines)")
        }
    }
}
