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

/// The first handler of an upstream connection (nearest the socket): requests leave through it as bytes, below the
/// response decoder. The decoder is told each request's method, as it would be by watching a typed write, so that it
/// reads a response to HEAD without a body.
final class UpstreamRequestWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let decoder: HTTPResponseDecoder
    private var context: ChannelHandlerContext?

    init(decoder: HTTPResponseDecoder) {
        self.decoder = decoder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// What the decoder needs to know of a request: only whether its response has a body (HEAD and CONNECT do not).
    /// Made once, not per request.
    private static let headNotice = HTTPClientRequestPart.head(
        HTTPRequestHead(version: .http1_1, method: .HEAD, uri: "/"))
    private static let connectNotice = HTTPClientRequestPart.head(
        HTTPRequestHead(version: .http1_1, method: .CONNECT, uri: "/"))
    private static let otherNotice = HTTPClientRequestPart.head(
        HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"))

    private static func methodNotice(_ method: HTTPMethod) -> HTTPClientRequestPart {
        switch method {
        case .HEAD: headNotice
        case .CONNECT: connectNotice
        default: otherNotice
        }
    }

    /// Writes and flushes the request; false when the connection's pipeline is gone.
    func send(_ request: UpstreamRequest, body: ByteBuffer?) -> Bool {
        guard let context else { return false }
        decoder.write(data: Self.methodNotice(request.method))
        context.write(wrapOutboundOut(.byteBuffer(request.head(allocator: context.channel.allocator))), promise: nil)
        if let body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
        }
        context.flush()
        return true
    }
}

/// The handlers of an upstream connection, in one place for the pool and the tests.
enum UpstreamPipeline {
    static func install(on channel: Channel, pool: UpstreamConnectionPool, address: Upstream) throws {
        let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)
        let writer = UpstreamRequestWriter(decoder: decoder)
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(writer)
        try sync.addHandler(ByteToMessageHandler(decoder))
        try sync.addHandler(UpstreamHandler(pool: pool, address: address, requestWriter: writer))
    }
}
