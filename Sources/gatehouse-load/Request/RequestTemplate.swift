import Foundation
import GatehouseBytes
import NIOCore
import NIOHTTP1

/// The request every worker sends, built once from the command line; only the signature (when any) changes
/// from one request to the next.
struct RequestTemplate: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let signer: (any RequestSigning)?

    /// - Parameters:
    ///   - headerLines: `Name: value` lines from `-H`; a `Host` among them replaces the default.
    ///   - closeConnection: send `Connection: close` (new-connection mode), so the server expects the close.
    init(
        method: String,
        target: LoadTarget,
        hostHeader: String?,
        headerLines: [String],
        body: [UInt8]?,
        closeConnection: Bool,
        signer: (any RequestSigning)?
    ) throws(LoadError) {
        var headers = HTTPHeaders()
        for line in headerLines {
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidOption("-H \(line)", reason: "a header is written as 'Name: value'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard ASCII.isToken(name) else {
                throw .invalidOption("-H \(line)", reason: "the header name is not a valid HTTP token")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidOption("-H \(line)", reason: "the header value contains a line break")
            }
            headers.add(name: name, value: value)
        }
        if let hostHeader {
            headers.replaceOrAdd(name: "host", value: hostHeader)
        } else if !headers.contains(name: "host") {
            headers.add(name: "host", value: target.defaultHostHeader)
        }
        if let body {
            headers.replaceOrAdd(name: "content-length", value: String(body.count))
        }
        if closeConnection {
            headers.replaceOrAdd(name: "connection", value: "close")
        }
        guard ASCII.isToken(method) else {
            throw .invalidOption("--method \(method)", reason: "not a valid HTTP method")
        }
        self.head = HTTPRequestHead(
            version: .http1_1,
            method: HTTPMethod(rawValue: method.uppercased()),
            uri: target.requestTarget,
            headers: headers
        )
        self.body = body.map { ByteBuffer(bytes: $0) }
        self.signer = signer
    }

    /// The head for the next request: the template itself, or a signed copy.
    func nextHead() -> HTTPRequestHead {
        guard let signer else { return head }
        var signed = head
        signer.sign(&signed, at: Date())
        return signed
    }
}
