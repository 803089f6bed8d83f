@testable import SigV4

extension SigV4Request {
    /// The same request with its fields as one block of bytes and ranges, as a gateway hands over a parsed head:
    /// both forms must canonicalize alike.
    func inBlockForm() -> SigV4Request {
        var block: [UInt8] = Array("GET / HTTP/1.1\r\n".utf8)
        var ranges: [SigV4HeaderFields.FieldRange] = []
        for index in 0..<fields.count {
            let nameStart = block.count
            fields.withName(index) { block.append(contentsOf: $0) }
            let nameEnd = block.count
            block.append(contentsOf: Array(": ".utf8))
            let valueStart = block.count
            fields.withValue(index) { block.append(contentsOf: $0) }
            ranges.append(.init(name: nameStart..<nameEnd, value: valueStart..<block.count))
            block.append(contentsOf: Array("\r\n".utf8))
        }
        return SigV4Request(
            method: method, path: path, query: query, fields: SigV4HeaderFields(block: block, ranges: ranges))
    }
}
