import NIOCore

@testable import GatehouseCore

/// Heads for tests, made by the real parser.
enum ParsedHeadFixture {
    struct NotAHead: Error {}

    static func head(_ text: String, maxHeadBytes: Int = 32768) throws -> ParsedRequestHead {
        try head(Array(text.utf8), maxHeadBytes: maxHeadBytes)
    }

    static func head(_ bytes: [UInt8], maxHeadBytes: Int = 32768) throws -> ParsedRequestHead {
        let (parts, error) = RequestDecoder.parse(
            bytes, limits: RequestDecoder.Limits(maxHeadBytes: maxHeadBytes, maxBodyBytes: 1 << 20))
        guard error == nil, case .head(let head, _, _)? = parts.first else { throw NotAHead() }
        return head
    }
}
