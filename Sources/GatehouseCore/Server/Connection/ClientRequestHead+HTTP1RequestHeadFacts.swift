import NIOHTTP1

/// The HTTP/1.1 head as the connection's state machine reads it.
extension ClientRequestHead: HTTP1RequestHeadFacts {
    var isHTTP10: Bool { head.version == .http1_0 }

    var wantsKeepAlive: Bool { head.isKeepAlive }

    var expectsContinue: Bool {
        head.headers.contains(name: "expect")
            && head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" })
    }
}
