import GatehouseBytes
import GatehouseConfig
import NIOCore
import NIOHTTP1

/// The request an upstream receives, as `UpstreamRequestBuilder` decided it: written once into bytes, with no
/// `HTTPHeaders` or NIO request encoder in between.
///
/// Gatehouse's headers come from configuration or from Gatehouse itself; the client's end-to-end fields are
/// copied byte for byte from its parsed head (`RequestHeadParser` admits no CR or LF in them, and keeps obs-text as
/// it came). The URI is re-encoded from decoded segments plus the client's query, which the parser also checked.
struct UpstreamRequest {
    let method: HTTPMethod
    let uri: String
    /// Gatehouse's headers; the first is `host`, written before the client's fields, the others after them.
    let headers: [(name: String, value: String)]
    /// The client's head, whose fields at `forwardedFields` are forwarded as they are.
    var clientHead: ParsedRequestHead? = nil
    var forwardedFields: [Int] = []
    /// A WebSocket opening handshake on a `websocket: true` route: `Upgrade`/`Connection` are sent, and a 101 is the
    /// answer expected rather than refused.
    var upgradesToWebSocket = false

    /// Every value of a header, matched case-insensitively, in order (client values decoded as UTF-8).
    func values(_ name: String) -> [String] {
        var values = headers.filter { ASCII.equalsIgnoringCase($0.name.utf8, name.utf8) }.map(\.value)
        if let clientHead {
            for index in forwardedFields where clientHead.fieldIs(index, name.lowercased()) {
                values.append(clientHead.valueString(index))
            }
        }
        return values
    }

    /// `METHOD URI HTTP/1.1`, the headers, and the blank line.
    func head(allocator: ByteBufferAllocator) -> ByteBuffer {
        let method = self.method.rawValue
        // The exact size, so the head is written in one pass into one buffer: a head is some forty short pieces,
        // and writing each through `ByteBuffer` (its bounds and uniqueness checks every time) cost about 2 % of a
        // keep-alive request's CPU.
        var size = method.utf8.count + 1 + uri.utf8.count + 11 + 2
        for header in headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        if let clientHead {
            for index in forwardedFields {
                let field = clientHead.fields[index]
                size += field.name.count + field.value.count + 4
            }
        }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            var writer = HeadBytesWriter(out: out)
            writer.put(method)
            writer.put(UInt8(ascii: " "))
            writer.put(uri)
            writer.put(" HTTP/1.1\r\n")
            for (position, header) in headers.enumerated() {
                writer.put(header.name)
                writer.put(": ")
                writer.put(header.value)
                writer.put("\r\n")
                if position == 0, let clientHead {
                    clientHead.bytes.withUnsafeReadableBytes { bytes in
                        for index in forwardedFields {
                            let field = clientHead.fields[index]
                            writer.put(UnsafeRawBufferPointer(rebasing: bytes[field.name]))
                            writer.put(": ")
                            writer.put(UnsafeRawBufferPointer(rebasing: bytes[field.value]))
                            writer.put("\r\n")
                        }
                    }
                }
            }
            writer.put("\r\n")
            assert(writer.count == size, "upstream head size miscounted")
            return writer.count
        }
        return buffer
    }
}

/// The handlers of an upstream connection, in one place for the pool and the tests: one, `UpstreamHandler`, which
/// writes requests and decodes responses itself.
enum UpstreamPipeline {
    static func install(on channel: Channel, pool: UpstreamConnectionPool, address: Upstream) throws {
        try channel.pipeline.syncOperations.addHandler(UpstreamHandler(pool: pool, address: address))
    }
}
