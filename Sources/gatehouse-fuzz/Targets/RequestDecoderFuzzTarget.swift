import GatehouseCore

/// The client leg's HTTP/1.1 request decoder (head parser, body framing, chunked decoding), fed a client's bytes.
///
/// Properties: the same parts and the same error whether the bytes arrive in one read, one byte per read or seven
/// per read (a request cannot be read two ways depending on how TCP split it); no head handed on is larger than
/// the head limit, and no request's body passes the body limit.
enum RequestDecoderFuzzTarget {
    static let target = FuzzTarget(name: "http-request", maximumLength: 4096, run: run)

    /// Small limits, so the fuzzer reaches them with short inputs.
    static let maxHeadBytes = 1024
    static let maxBodyBytes = 2048

    /// The product call, kept to these lines so a change of the decoder's API is adapted here alone.
    static func digest(_ input: [UInt8], readSize: Int) -> RequestDecoderDigest {
        RequestDecoderDigest(
            decoding: input, readSize: readSize, maxHeadBytes: maxHeadBytes, maxBodyBytes: maxBodyBytes)
    }

    static func run(_ input: [UInt8]) {
        let whole = digest(input, readSize: input.count)
        FuzzCheck.require(whole.largestHead <= maxHeadBytes, "handed on a head of \(whole.largestHead) bytes")
        FuzzCheck.require(whole.largestBody <= maxBodyBytes, "handed on a body of \(whole.largestBody) bytes")
        for readSize in [1, 7] {
            let split = digest(input, readSize: readSize)
            FuzzCheck.require(
                split == whole, "reads of \(readSize) byte(s) gave \(split.lines), one read gave \(whole.lines)")
        }
    }
}
