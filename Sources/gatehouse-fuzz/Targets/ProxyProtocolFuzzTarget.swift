import GatehouseCore
import NIOCore

/// The PROXY protocol v1/v2 header parser, fed the first bytes of a connection.
///
/// Properties: it never consumes more than it was given; asking for more data consumes nothing and only while a
/// header could still be shorter than the protocol's maximum; a parsed header gives the same answer when it is
/// given alone, and is never reported as parsed from one byte fewer.
enum ProxyProtocolFuzzTarget {
    static let target = FuzzTarget(name: "proxy-protocol", maximumLength: 1024, run: run)

    /// The product call, kept to these lines so a change of the parser's API is adapted here alone.
    static func parse(_ bytes: ArraySlice<UInt8>) -> (outcome: ProxyProtocolHeader.Outcome, consumed: Int) {
        var buffer = ByteBuffer(bytes: bytes)
        let outcome = ProxyProtocolHeader.parse(&buffer)
        return (outcome, buffer.readerIndex)
    }

    static func run(_ input: [UInt8]) {
        let (outcome, consumed) = parse(input[...])
        FuzzCheck.require(consumed >= 0 && consumed <= input.count, "consumed \(consumed) of \(input.count) bytes")
        switch outcome {
        case .needMoreData:
            FuzzCheck.require(consumed == 0, "asked for more data after consuming \(consumed) bytes")
            FuzzCheck.require(input.count < 16 + Int(UInt16.max), "asked for more data after \(input.count) bytes")
        case .parsed:
            FuzzCheck.require(consumed > 0, "parsed a header from no bytes")
            let alone = parse(input[..<consumed])
            FuzzCheck.require(
                alone.outcome == outcome && alone.consumed == consumed,
                "the header alone gave \(alone), with what follows \(outcome) consuming \(consumed)")
            let short = parse(input[..<(consumed - 1)])
            if case .parsed = short.outcome {
                FuzzCheck.fail("parsed \(short) from a header one byte short of \(consumed)")
            }
        case .invalid(let reason):
            FuzzCheck.require(!reason.isEmpty, "refused without a reason")
        }
    }
}
