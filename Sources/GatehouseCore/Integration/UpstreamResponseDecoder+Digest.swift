import NIOCore

/// What `UpstreamResponseDecoder` made of an upstream's byte stream, in a form that can be compared: the fuzz
/// harness (`gatehouse-fuzz`, target `http-response`) holds the decoder to the same answer whatever sizes the reads
/// come in, and to the framing its heads declare.
package struct UpstreamResponseDigest: Equatable, Sendable {
    /// One line per final head (status, field count), per end (body bytes, reuse), and for the error that stopped
    /// the stream or the end of file.
    package var lines: [String] = []
    /// Every byte handed on: heads and bodies.
    package var bytesHandedOn = 0
    /// The largest head handed on, in bytes.
    package var largestHead = 0
    /// A response whose body did not match its head's framing, described; nil when all did.
    package var framingMismatch: String?
}

extension UpstreamResponseDigest {
    /// Feeds `bytes` to a new decoder in reads of `readSize` bytes, as `UpstreamHandler` does (an unfinished head
    /// stays at the front of the buffer, the next read is appended). The first response is to a HEAD request when
    /// `bodyless`; after each end another request is sent when `keepSending` and the upstream allowed reuse (else
    /// what follows is unsolicited); when `closeAtEnd` the upstream closes after the last byte.
    package init(
        decoding bytes: [UInt8], readSize: Int, bodyless: Bool, keepSending: Bool, closeAtEnd: Bool,
        maxHeadBytes: Int
    ) {
        var decoder = UpstreamResponseDecoder(maxHeadBytes: maxHeadBytes)
        decoder.expectResponse(bodyless: bodyless)
        var digest = UpstreamResponseDigest()
        var input = ByteBuffer()
        var offset = 0
        var body = 0
        var expected: Int?
        func ended(_ reusable: Bool, _ how: String) {
            digest.lines.append("\(how) body=\(body) reusable=\(reusable)")
            if let expected, expected != body, digest.framingMismatch == nil {
                digest.framingMismatch = "a body of \(body) bytes where \(expected) were framed"
            }
            body = 0
            expected = nil
        }
        do {
            reading: while true {
                while let part = try decoder.next(&input) {
                    switch part {
                    case .head(let head):
                        digest.lines.append("head \(head.statusCode) fields=\(head.fields.count)")
                        digest.bytesHandedOn += head.count
                        digest.largestHead = max(digest.largestHead, head.count)
                        expected = Self.framedLength(head, bodyless: bodyless && digest.lines.count == 1)
                    case .body(let slice):
                        body += slice.readableBytes
                        digest.bytesHandedOn += slice.readableBytes
                    case .end(let reusable):
                        ended(reusable, "end")
                        // A connection the upstream does not keep is closed; on one it keeps, bytes after the end
                        // belong to the next request, or to none (`unsolicited`).
                        guard reusable else { break reading }
                        if keepSending { decoder.expectResponse(bodyless: false) }
                    }
                }
                guard offset < bytes.count else { break }
                let next = min(bytes.count, offset + max(1, readSize))
                input.writeBytes(bytes[offset..<next])
                offset = next
            }
            if closeAtEnd, case .end(let reusable)? = try decoder.finish(input) { ended(reusable, "eof end") }
        } catch {
            digest.lines.append("error \(error)")
        }
        self = digest
    }

    /// The body length a head frames by itself: 0 without a body, its `Content-Length` when that is the framing;
    /// nil when the body is chunked or runs until close.
    private static func framedLength(_ head: ParsedResponseHead, bodyless: Bool) -> Int? {
        if bodyless || head.statusCode == 204 || head.statusCode == 304 { return 0 }
        let fields = HTTPFramingFields(head)
        return fields.transferEncodings > 0 ? nil : fields.length
    }
}
