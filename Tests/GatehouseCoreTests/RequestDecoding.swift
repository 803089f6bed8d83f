import NIOCore

@testable import GatehouseCore

/// Feeds bytes to a `RequestDecoder` the way `HTTP1ConnectionHandler` does, in reads of a chosen size, and
/// describes what comes out as text, so tables can say what a stream decodes to and byte-by-byte feeding can be
/// compared with one read.
enum RequestDecoding {
    static func limits(head: Int = 32768, body: Int = 1 << 20) -> RequestDecoder.Limits {
        RequestDecoder.Limits(maxHeadBytes: head, maxBodyBytes: body)
    }

    /// The parts decoded from `bytes` given `readSize` bytes per read (0: all at once); consecutive body slices
    /// are joined, since where a read ends is not part of the result.
    static func decode(_ bytes: [UInt8], readSize: Int = 0, limits: RequestDecoder.Limits = limits()) -> [String] {
        var decoder = RequestDecoder(limits: limits)
        var pending = ByteBuffer()
        var out: [String] = []
        var offset = 0
        let step = readSize == 0 ? max(bytes.count, 1) : readSize
        while offset < bytes.count {
            pending.writeBytes(bytes[offset..<min(offset + step, bytes.count)])
            offset += step
            do {
                while let part = try decoder.next(&pending) { append(describe(part), to: &out) }
            } catch {
                out.append(describe(error))
                return out
            }
            if decoder.isFailed { break }
        }
        return out
    }

    static func decode(_ text: String, readSize: Int = 0, limits: RequestDecoder.Limits = limits()) -> [String] {
        decode(Array(text.utf8), readSize: readSize, limits: limits)
    }

    private static func append(_ entry: String, to out: inout [String]) {
        if entry.hasPrefix("body "), let last = out.last, last.hasPrefix("body ") {
            out[out.count - 1] = last + entry.dropFirst(5)
        } else {
            out.append(entry)
        }
    }

    static func describe(_ part: RequestDecoder.Part) -> String {
        switch part {
        case .head(let head, _, let framing):
            let fields = head.fields.indices.map { "\(head.name($0))=\(text(head.valueBytes($0)))" }
            let framingText: String
            switch framing {
            case .success(let decided): framingText = "\(decided)"
            case .failure(let error): framingText = describe(error)
            }
            return
                "head \(head.methodString) \(head.targetString) 1.\(head.minorVersion) [\(fields.joined(separator: " "))] "
                + framingText
        case .body(let buffer):
            return "body " + text(buffer)
        case .end:
            return "end"
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? RequestParseError {
        case .malformed(let message): "400 \(message)"
        case .headTooLarge: "431"
        case .bodyTooLarge: "413"
        case nil: "unexpected \(error)"
        }
    }

    /// ASCII as it is, other bytes as `\xNN`.
    static func text(_ buffer: ByteBuffer) -> String {
        buffer.readableBytesView.map { byte in
            byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true)
        }.joined()
    }
}
