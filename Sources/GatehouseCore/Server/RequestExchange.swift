import Crypto
import Foundation
import NIOCore
import SigV4

/// One request/response exchange on a client connection: what the gates decided and what was sent back, for
/// the answer and the access record.
final class RequestExchange {
    let requestID: String
    /// The request line and connection semantics, read once from `parsed`.
    let head: RequestLine
    /// The head as the client sent it, for what is forwarded byte for byte; nil for an answer to a stream that
    /// never produced a head.
    var parsed: ParsedRequestHead?
    let snapshot: GatewaySnapshot
    let started: NIODeadline
    let receivedAt: Date

    var admitted: RequestPipeline.Admitted?
    /// The route of a request refused before its body (e.g. a 403 on the signature), for the record.
    var rejectedMatch: RouteMatch?
    var rejectedAPI: APIDefinition?
    var normalizedPath: NormalizedPath?
    /// The body received so far, grown as its bytes arrive (``appendBody(_:)``), never reserved at the size the
    /// head declares.
    var body: ByteBuffer?
    /// Whether the signature covers the body's hash: the body is then hashed as it arrives.
    var hashesBody = false
    /// Made on the first body byte, so that bodiless requests (most GETs) hash nothing.
    var hasher: SHA256?
    var principal: CallerPrincipal?
    /// A WebSocket opening handshake on a `websocket: true` route: forwarded with its upgrade headers.
    var upgradesToWebSocket = false
    /// A gRPC request (`content-type: application/grpc*`): Gatehouse's errors are answered as gRPC statuses.
    var isGRPC = false
    /// What gates 7 and 8 decided: the record's key, plan and consumer, the answer's `RateLimit` and `Retry-After`.
    var usage: UsageOutcome?

    var status = 0
    /// How the response's body is framed, decided with its head.
    var framing = ResponseBodyFraming.none
    var errorType: String?
    var responseBytes = 0
    var integrationStarted: NIODeadline?
    var integrationFinished: NIODeadline?

    init(head: RequestLine, snapshot: GatewaySnapshot) {
        self.requestID = RequestIDGenerator.shared.next()
        self.head = head
        self.snapshot = snapshot
        self.started = .now()
        self.receivedAt = Date()
    }

    /// Appends received body bytes: the buffer grows with them, from `ByteBuffer.requestBody(declared:allocator:)`.
    func appendBody(_ bytes: ByteBuffer) {
        guard body != nil else {
            body = bytes
            return
        }
        body!.writeImmutableBuffer(bytes)
    }

    /// The hex SHA-256 of the body as received, when the signature needs it.
    func bodyDigestHex() -> String? {
        guard hashesBody else { return nil }
        guard let hasher else { return SigV4Canonical.emptyPayloadHash }
        return SigV4Canonical.payloadHash(of: hasher.finalize())
    }

    func accessRecord(connection: ConnectionState) -> AccessRecord {
        let now = NIODeadline.now()
        let integration: Double? = integrationStarted.map { start in
            Double(((integrationFinished ?? now) - start).nanoseconds) / 1_000_000
        }
        let match = admitted?.match ?? rejectedMatch
        return AccessRecord(
            requestID: requestID,
            sourceIP: connection.sourceIPText,
            sourceVpce: connection.network?.id,
            clientCertSubject: connection.clientIdentity?.subject,
            clientCertURI: connection.clientIdentity?.uris.first,
            principal: principal?.arn,
            apiID: match?.api.id ?? rejectedAPI?.id,
            stage: match?.stage,
            routeKey: match?.route.key,
            method: head.method.rawValue,
            path: (admitted?.path ?? normalizedPath)?.decodedPath ?? String(head.uri.prefix { $0 != "?" }),
            status: status,
            errorType: errorType,
            latencyMilliseconds: Double((now - started).nanoseconds) / 1_000_000,
            integrationLatencyMilliseconds: integration,
            responseBytes: responseBytes,
            apiKeyID: usage?.apiKeyID,
            usagePlan: usage?.planID,
            consumer: usage?.consumer)
    }
}
