import NIOHTTP1

/// One admin answer before it is framed: status, content type and body. Admin bodies are small and produced whole.
struct AdminResponse: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    /// Extra headers, e.g. `Allow` on 405.
    var headers: [(String, String)] = []

    static func text(_ status: HTTPResponseStatus, _ text: String, headers: [(String, String)] = []) -> AdminResponse {
        AdminResponse(
            status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8),
            headers: headers)
    }
}
