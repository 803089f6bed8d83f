import NIOCore

/// What `RequestDecoder` made of a byte stream, in a form that can be compared: the fuzz harness (`gatehouse-fuzz`)
/// holds the decoder to the same answer whatever sizes the reads come in, and to its limits.
package struct RequestDecoderDigest: Equatable, Sendable {
    /// One line per head (method, target, field count, framing decision), per completed body (its byte count), per
    /// end, and the error that stopped the stream.
    package var lines: [String] = []
    /// The largest head handed on, in bytes.
    package var largestHead = 0
    /// The most body bytes handed on for one request.
    package var largestBody = 0
}

extension RequestDecoderDigest {
    /// Feeds `bytes` to a new `RequestDecoder` in reads of `readSize` bytes, as the NIO handler does (unconsumed
    /// bytes stay at the front of the buffer, the next read is appended), and digests every part it hands on.
    package init(decoding bytes: [UInt8], readSize: Int, maxHeadBytes: Int, maxBodyBytes: Int) {
        var decoder = RequestDecoder(
            limits: RequestDecoder.Limits(maxHeadBytes: maxHeadBytes, maxBodyBytes: maxBodyBytes))
        var digest = RequestDecoderDigest()
        var input = ByteBuffer()
        var offset = 0
        var bodyBytes = 0
        reading: while true {
            do {
                while let part = try decoder.next(&input) {
                    switch part {
                    case .head(let head, _, let framing):
                        digest.lines.append(
                            "head \(head.methodString) \(head.targetString) fields=\(head.fields.count) \(framing)")
                        digest.largestHead = max(digest.largestHead, head.count)
                    case .body(let slice):
                        bodyBytes += slice.readableBytes
                        digest.largestBody = max(digest.largestBody, bodyBytes)
                    case .end:
                        digest.lines.append("body \(bodyBytes)")
                        digest.lines.append("end")
                        bodyBytes = 0
                    }
                }
            } catch {
                digest.lines.append("error \(error)")
                break reading
            }
            guard !decoder.isFailed, offset < bytes.count else { break reading }
            let next = min(bytes.count, offset + max(1, readSize))
            input.writeBytes(bytes[offset..<next])
            offset = next
        }
        if bodyBytes > 0 { digest.lines.append("partial body \(bodyBytes)") }
        self = digest
    }
}
