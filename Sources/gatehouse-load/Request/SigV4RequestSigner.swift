import Foundation
import NIOHTTP1
import SigV4

/// Signs each request with AWS Signature Version 4 in the `Authorization` header, with the project's own signer,
/// as an AWS SDK would: every header of the request signed, a fresh `X-Amz-Date` per request.
struct SigV4RequestSigner: RequestSigning {
    private let signer: SigV4Signer
    /// The body's SHA-256, computed once: the body is the same for every request.
    private let bodySHA256Hex: String?

    init(
        accessKeyID: String,
        secretAccessKey: String,
        sessionToken: String?,
        region: String,
        service: String,
        body: [UInt8]
    ) throws(LoadError) {
        guard !region.isEmpty, !service.isEmpty else {
            throw .invalidOption("--region/--service", reason: "SigV4 needs a region and a service name")
        }
        signer = SigV4Signer(
            accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey,
            sessionToken: sessionToken,
            region: region,
            service: service
        )
        bodySHA256Hex = body.isEmpty ? nil : SigV4Canonical.sha256Hex(body)
    }

    func sign(_ head: inout HTTPRequestHead, at date: Date) {
        let uri = head.uri
        let path: String
        let query: String?
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            query = String(uri[uri.index(after: mark)...])
        } else {
            path = uri
            query = nil
        }
        let request = SigV4Request(
            method: head.method.rawValue,
            path: path,
            query: query,
            headers: head.headers.map { (name: $0.name, value: $0.value) }
        )
        let added = signer.headersToAdd(
            for: request,
            bodySHA256Hex: bodySHA256Hex,
            now: Int(date.timeIntervalSince1970)
        )
        for header in added {
            head.headers.add(name: header.name, value: header.value)
        }
    }
}
