import Logging
import Systemd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

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

    /// The stderr line for this record: the fields of `metadata`, in the same (sorted) order ``LogLineFormatter``
    /// prints them, written without building the dictionary.
    public func line(timestamp: timespec = LogLineFormatter.now()) -> [UInt8] {
        let latency = AccessRecord.format(latencyMilliseconds)
        // `message`, written part by part.
        var line = LogLine(level: .info, message: sourceIP, timestamp: timestamp, capacity: 512)
        line.appendToMessage(" ")
        line.appendToMessage(principal ?? "-")
        line.appendToMessage(" \"")
        line.appendToMessage(method)
        line.appendToMessage(" ")
        line.appendToMessage(path)
        line.appendToMessage("\" ")
        line.appendToMessage(String(status))
        line.appendToMessage(" ")
        line.appendToMessage(String(responseBytes))
        line.appendToMessage("B ")
        line.appendToMessage(latency)
        line.appendToMessage("ms ")
        line.appendToMessage(requestID)
        line.field("API_ID", apiID ?? "")
        line.field("CLIENT_CERT_SUBJECT", clientCertSubject ?? "")
        line.field("CLIENT_CERT_URI", clientCertURI ?? "")
        line.field("ERROR_TYPE", errorType ?? "")
        line.field("GATEHOUSE_EVENT", "access")
        line.field("HTTP_METHOD", method)
        line.field("INTEGRATION_LATENCY_MS", integrationLatencyMilliseconds.map(AccessRecord.format) ?? "")
        line.field("LATENCY_MS", latency)
        line.field("PATH", path)
        line.field("PRINCIPAL", principal ?? "")
        line.field("REQUEST_ID", requestID)
        line.field("RESPONSE_BYTES", String(responseBytes))
        line.field("ROUTE_KEY", routeKey ?? "")
        line.field("SOURCE_IP", sourceIP)
        line.field("SOURCE_VPCE", sourceVpce ?? "")
        line.field("STAGE", stage ?? "")
        line.field("STATUS", String(status))
        return line.finish()
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
