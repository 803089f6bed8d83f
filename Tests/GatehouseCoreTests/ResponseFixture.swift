import NIOCore

@testable import GatehouseCore

/// Upstream response heads for tests, made by the real parser.
enum ResponseFixture {
    /// A `HTTP/1.1 204 No Content` head with `fields`.
    static func head(_ fields: [(String, String)], status: String = "204 No Content") throws -> ParsedResponseHead {
        var text = "HTTP/1.1 \(status)\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        return try head(text + "\r\n")
    }

    /// The head of `text`, which holds exactly one head.
    static func head(_ text: String) throws -> ParsedResponseHead {
        var parser = ResponseHeadParser()
        let buffer = ByteBuffer(string: text)
        guard case .complete(let start, let end) = try parser.scan(buffer) else {
            throw UpstreamProtocolError(description: "incomplete head")
        }
        return try parser.parse(buffer.getSlice(at: buffer.readerIndex + start, length: end - start)!)
    }

    /// Every part `UpstreamResponseDecoder` hands on for `bytes`, fed in reads of `readSize` bytes as
    /// `UpstreamHandler` feeds it, described as text; then `eof` when the stream was closed, and the error that
    /// stopped it, if any.
    static func decode(
        _ text: String, readSize: Int? = nil, bodyless: Bool = false, closeAtEnd: Bool = false
    ) -> [String] {
        let bytes = Array(text.utf8)
        let size = max(1, readSize ?? bytes.count)
        let pieces = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min(bytes.count, $0 + size)]) }
        return decode(pieces: pieces, bodyless: bodyless, closeAtEnd: closeAtEnd)
    }

    /// The same, for the reads `pieces`.
    static func decode(pieces: [[UInt8]], bodyless: Bool = false, closeAtEnd: Bool = false) -> [String] {
        var decoder = UpstreamResponseDecoder()
        decoder.expectResponse(bodyless: bodyless)
        var lines: [String] = []
        var input = ByteBuffer()
        var piece = 0
        var body = 0
        do {
            while true {
                while let part = try decoder.next(&input) {
                    switch part {
                    case .head(let head): lines.append("head \(head.statusCode) fields=\(head.fields.count)")
                    case .body(let slice): body += slice.readableBytes
                    case .end(let reusable):
                        if body > 0 { lines.append("body \(body)") }
                        body = 0
                        lines.append("end reusable=\(reusable)")
                    }
                }
                guard piece < pieces.count else { break }
                input.writeBytes(pieces[piece])
                piece += 1
            }
            if closeAtEnd, case .end(let reusable)? = try decoder.finish(input) {
                if body > 0 { lines.append("body \(body)") }
                body = 0
                lines.append("eof end reusable=\(reusable)")
            }
        } catch {
            if body > 0 { lines.append("body \(body)") }
            lines.append("error \(error)")
        }
        return lines
    }
}
