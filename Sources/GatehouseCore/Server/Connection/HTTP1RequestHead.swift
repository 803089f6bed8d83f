/// A decoded HTTP/1.1 request head as the connection hands it on: the head as parsed (forwarded byte for byte), its
/// request line read once, and its body's framing or why that is refused.
struct HTTP1RequestHead {
    let parsed: ParsedRequestHead
    let line: RequestLine
    let framing: Result<RequestBodyFraming, RequestParseError>

    init(_ parsed: ParsedRequestHead, line: RequestLine, framing: Result<RequestBodyFraming, RequestParseError>) {
        self.parsed = parsed
        self.line = line
        self.framing = framing
    }
}

extension HTTP1RequestHead: HTTP1RequestHeadFacts {
    var isHTTP10: Bool { line.version == .http1_0 }

    var wantsKeepAlive: Bool { line.isKeepAlive }

    var expectsContinue: Bool { parsed.listContains("100-continue", inFieldsNamed: "expect") }
}
