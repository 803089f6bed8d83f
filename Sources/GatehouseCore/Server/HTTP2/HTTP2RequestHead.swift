import NIOCore
import NIOHPACK
import NIOHTTP1
import SigV4

/// An HTTP/2 request's header list, read the way Gatehouse reads every request head.
///
/// The list is rendered once into the HTTP/1.1 head form (`METHOD :path HTTP/1.1`, `host: :authority`, then the
/// regular fields in order) and parsed by `RequestHeadParser`, so routing, SigV4 canonicalization, the policy and
/// forwarding read the same bytes, with the same grammar and limits, as for an HTTP/1.1 request: `:authority` stands
/// for `Host` (a signed `host` is checked against it), and the upstream request is built by `UpstreamRequestBuilder`
/// from this head as from any other. Connection-specific fields (RFC 9113 §8.2.2) never get here: NIOHTTP2's header
/// validation refuses the stream first.
///
/// Rules on top of the HTTP/1.1 ones (RFC 9113 §8.3.1): a request needs `:authority` or `Host`, and both, when
/// given, must agree; `CONNECT` is not a proxied method here; several `cookie` fields are joined with `; ` (§8.2.3).
/// The rendered head counts against `max_header_bytes` like an HTTP/1.1 head (431 past it).
struct HTTP2RequestHead: GatedRequestHead {
    let parsed: ParsedRequestHead
    let line: RequestLine
    /// The body's framing: none when HEADERS ended the stream, the declared length, or `.chunked` for a body of
    /// unknown length (DATA frames until END_STREAM); a refusal (413 for a declared length past the limit).
    let framing: Result<RequestBodyFraming, RequestParseError>
    /// An RFC 8441 extended CONNECT with `:protocol: websocket`: the head is read as the HTTP/1.1 opening handshake
    /// it stands for — `GET :path` — for routing, SigV4 and the policy, and only a `websocket: true` route takes it.
    var isWebSocketConnect = false

    /// HTTP/2 in the access record and for anything that asks a request's version.
    static let version = HTTPVersion(major: 2, minor: 0)

    /// Reads a request's header block; fails only when there is no head to speak of (no method or path, bad
    /// grammar, too large), so the refusal is answered without a route. `endStream` is whether HEADERS ended the
    /// stream (no body).
    static func make(_ headers: HPACKHeaders, endStream: Bool, maxHeadBytes: Int, maxBodyBytes: Int) -> Result<
        HTTP2RequestHead, RequestParseError
    > {
        var method: String?
        var path: String?
        var authority: String?
        var host: String?
        var cookies: [String] = []
        var connectProtocol: String?
        for (name, value, _) in headers {
            switch name {
            case ":protocol": connectProtocol = value
            case ":method": method = value
            case ":path": path = value
            case ":authority": authority = value
            case "host":
                if host != nil { return .failure(.malformed("Multiple Host headers")) }
                host = value
            case "cookie": cookies.append(value)
            default: continue
            }
        }
        guard var method else { return .failure(.malformed("Missing :method")) }
        let isWebSocketConnect = method == "CONNECT" && connectProtocol?.lowercased() == "websocket"
        if isWebSocketConnect {
            method = "GET"
        } else if method == "CONNECT" {
            return .failure(.malformed("CONNECT is not supported"))
        }
        guard let path, !path.isEmpty else { return .failure(.malformed("Missing :path")) }
        if let authority, let host, authority != host {
            return .failure(.malformed("Host differs from :authority"))
        }
        guard let effectiveHost = authority ?? host, !effectiveHost.isEmpty else {
            return .failure(.malformed("Missing :authority"))
        }
        // `METHOD PATH HTTP/1.1\r\n`, `host: H\r\n`, a line per field, `\r\n` (joined cookies take less). The list is
        // already bounded by SETTINGS_MAX_HEADER_LIST_SIZE; the rendered size is checked below.
        var size = method.utf8.count + path.utf8.count + effectiveHost.utf8.count + 22
        for (name, value, _) in headers where !name.hasPrefix(":") {
            size += name.utf8.count + value.utf8.count + 4
        }
        var bytes = ByteBuffer()
        bytes.reserveCapacity(size)
        bytes.writeString(method)
        bytes.writeStaticString(" ")
        bytes.writeString(path)
        bytes.writeStaticString(" HTTP/1.1\r\nhost: ")
        bytes.writeString(effectiveHost)
        bytes.writeStaticString("\r\n")
        var cookieWritten = false
        for (name, value, _) in headers where !name.hasPrefix(":") && name != "host" {
            if name == "cookie" {
                guard !cookieWritten else { continue }
                cookieWritten = true
                bytes.writeStaticString("cookie: ")
                bytes.writeString(cookies.joined(separator: "; "))
            } else {
                bytes.writeString(name)
                bytes.writeStaticString(": ")
                bytes.writeString(value)
            }
            bytes.writeStaticString("\r\n")
        }
        if isWebSocketConnect && !headers.contains(name: "sec-websocket-key") {
            // RFC 8441 has no key; the upstream's HTTP/1.1 handshake needs one (its answer is checked by nobody:
            // the client's end of the handshake is HTTP/2's, which has no Sec-WebSocket-Accept).
            bytes.writeStaticString("sec-websocket-key: ")
            bytes.writeString(WebSocketConnectKey.make())
            bytes.writeStaticString("\r\n")
        }
        bytes.writeStaticString("\r\n")
        guard bytes.readableBytes <= maxHeadBytes else { return .failure(.headTooLarge) }
        let parsed: ParsedRequestHead
        do {
            parsed = try RequestHeadParser(maxHeadBytes: maxHeadBytes).parse(bytes)
        } catch {
            return .failure(error)
        }
        let line = RequestLine(
            method: HTTPMethod(rawValue: method), uri: path, version: version, isKeepAlive: true)
        var head = HTTP2RequestHead(
            parsed: parsed, line: line,
            framing: isWebSocketConnect
                ? .success(.none) : bodyFraming(parsed, endStream: endStream, maxBodyBytes: maxBodyBytes))
        head.isWebSocketConnect = isWebSocketConnect
        return .success(head)
    }

    /// HTTP/2 frames the body itself; `content-length`, when sent, must be one valid length (NIOHTTP2 checks the
    /// DATA against it), and one past `max_body_bytes` is refused before any DATA is read.
    static func bodyFraming(_ head: ParsedRequestHead, endStream: Bool, maxBodyBytes: Int) -> Result<
        RequestBodyFraming, RequestParseError
    > {
        let fields = HTTPFramingFields(head)
        if let refusal = fields.lengthRefusal { return .failure(refusal) }
        if endStream { return .success(.none) }
        guard let length = fields.length else { return .success(.chunked) }
        if length > maxBodyBytes { return .failure(.bodyTooLarge) }
        return .success(.length(length))
    }

    func firstValue(_ lowercaseName: String) -> String? {
        parsed.firstValue(lowercaseName)
    }

    func withSigV4Request<R>(method: String, path: String, query: String?, _ body: (SigV4Request) -> R) -> R {
        parsed.withSigV4Request(method: method, path: path, query: query, body)
    }
}
