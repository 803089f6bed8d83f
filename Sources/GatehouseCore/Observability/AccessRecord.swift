import Logging

/// One finished request, as written to the journal (contract section 6) and counted in metrics.
public struct AccessRecord: Sendable {
    public var requestID: String
    public var sourceIP: String
    public var sourceVpce: String?
    public var clientCertSubject: String?
    public var clientCertURI: String?
    public var principal: String?
    public var apiID: String?
    public var stage: String?
    public var routeKey: String?
    public var method: String
    public var path: String
    public var status: Int
    public var errorType: String?
    public var latencyMilliseconds: Double
    public var integrationLatencyMilliseconds: Double?
    public var responseBytes: Int

    /// The journald fields, named exactly as the contract lists them.
    public var metadata: Logger.Metadata {
        [
            "GATEHOUSE_EVENT": "access",
            "REQUEST_ID": .string(requestID),
            "SOURCE_IP": .string(sourceIP),
            "SOURCE_VPCE": .string(sourceVpce ?? ""),
            "CLIENT_CERT_SUBJECT": .string(clientCertSubject ?? ""),
            "CLIENT_CERT_URI": .string(clientCertURI ?? ""),
            "PRINCIPAL": .string(principal ?? ""),
            "API_ID": .string(apiID ?? ""),
            "STAGE": .string(stage ?? ""),
            "ROUTE_KEY": .string(routeKey ?? ""),
            "HTTP_METHOD": .string(method),
            "PATH": .string(path),
            "STATUS": .string(String(status)),
            "ERROR_TYPE": .string(errorType ?? ""),
            "LATENCY_MS": .string(AccessRecord.format(latencyMilliseconds)),
            "INTEGRATION_LATENCY_MS": .string(integrationLatencyMilliseconds.map(AccessRecord.format) ?? ""),
            "RESPONSE_BYTES": .string(String(responseBytes)),
        ]
    }

    /// A readable one-line summary for `MESSAGE`.
    public var message: String {
        "\(sourceIP) \(principal ?? "-") \"\(method) \(path)\" \(status) \(responseBytes)B "
            + "\(AccessRecord.format(latencyMilliseconds))ms \(requestID)"
    }

    static func format(_ milliseconds: Double) -> String {
        let scaled = (milliseconds * 1000).rounded() / 1000
        return String(scaled)
    }
}
