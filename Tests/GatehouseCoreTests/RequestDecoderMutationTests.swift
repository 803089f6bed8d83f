import Testing

@testable import GatehouseCore

/// Seeded mutations of a valid stream (a small, deterministic stand-in for the fuzzer): whatever the bytes, the
/// decoder ends, stays within its limits, and gives the same parts in one read and one byte per read.
@Suite struct RequestDecoderMutationTests {
    /// SplitMix64: a fixed sequence, so a failure names its case.
    private struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let alphabet = Array("\r\n :;,0aF\t\u{0}".utf8) + [0x7F, 0x80, 0xFF]

    @Test func mutatedStreamsDecodeAlikeAtAnyReadSize() {
        var random = Seeded(state: 11)
        let base = Array(RequestDecoderTests.pipelined.utf8)
        let limits = RequestDecoding.limits(head: 96, body: 64)
        for round in 0..<400 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                let byte = Self.alphabet.randomElement(using: &random)!
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: bytes.remove(at: at)
                }
            }
            let whole = RequestDecoding.decode(bytes, limits: limits)
            #expect(RequestDecoding.decode(bytes, readSize: 1, limits: limits) == whole, "round \(round)")
            #expect(whole.allSatisfy { !$0.hasPrefix("unexpected") }, "round \(round)")
        }
    }
}
