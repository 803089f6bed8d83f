import NIOHTTP1

/// Whether a request is a WebSocket opening handshake (RFC 6455 §4.1): an HTTP/1.1 GET whose `Upgrade` lists
/// `websocket` and whose `Connection` lists `upgrade`. Only such a request, on a `websocket: true` route, is forwarded
/// with its upgrade headers; on every other route `Upgrade` stays hop-by-hop and is dropped (contract section 3).
enum WebSocketUpgrade {
    static func isRequested(_ head: ParsedRequestHead, line: RequestLine) -> Bool {
        line.method == .GET && line.version == .http1_1
            && head.listContains("websocket", inFieldsNamed: "upgrade")
            && head.listContains("upgrade", inFieldsNamed: "connection")
    }

    /// Whether the head names `Upgrade` at all: the bytes after such a request may not be HTTP, so the connection
    /// stops decoding until its answer is known.
    static func mayUpgrade(_ head: ParsedRequestHead) -> Bool {
        head.fields.indices.contains { head.fieldIs($0, "upgrade") }
    }
}
