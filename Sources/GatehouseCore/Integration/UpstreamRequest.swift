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
        var size = 32 + uri.utf8.count + (clientHead?.count ?? 0)
        for header in headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeString(method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        for (position, header) in headers.enumerated() {
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
            buffer.writeStaticString("\r\n")
            if position == 0, let clientHead { Self.writeFields(forwardedFields, of: clientHead, to: &buffer) }
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// The client's fields as it sent them: name, `: `, the value's bytes.
    private static func writeFields(_ indices: [Int], of head: ParsedRequestHead, to buffer: inout ByteBuffer) {
        head.bytes.withUnsafeReadableBytes { bytes in
            for index in indices {
                let field = head.fields[index]
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[field.name]))
                buffer.writeStaticString(": ")
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[field.value]))
                buffer.writeStaticString("\r\n")
            }
        }
    }
}

/// The handlers of an upstream connection, in one place for the pool and the tests: one, `UpstreamHandler`, which
/// writes requests and decodes responses itself.
enum UpstreamPipeline {
    static func install(on channel: Channel, pool: UpstreamConnectionPool, address: Upstream) throws {
        try channel.pipeline.syncOperations.addHandler(UpstreamHandler(pool: pool, address: address))
    }
}
