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

    /// Calls `body` with each contract field (section 6) in key order: the one list both the journal entry
    /// (`metadata`) and the stderr line (`line`) are made from.
    public func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        body("API_ID", apiID ?? "")
        body("CLIENT_CERT_SUBJECT", clientCertSubject ?? "")
        body("CLIENT_CERT_URI", clientCertURI ?? "")
        body("ERROR_TYPE", errorType ?? "")
        body("GATEHOUSE_EVENT", "access")
        body("HTTP_METHOD", method)
        body("INTEGRATION_LATENCY_MS", integrationLatencyMilliseconds.map(AccessRecord.format) ?? "")
        body("LATENCY_MS", AccessRecord.format(latencyMilliseconds))
        body("PATH", path)
        body("PRINCIPAL", principal ?? "")
        body("REQUEST_ID", requestID)
        body("RESPONSE_BYTES", String(responseBytes))
        body("ROUTE_KEY", routeKey ?? "")
        body("SOURCE_IP", sourceIP)
        body("SOURCE_VPCE", sourceVpce ?? "")
        body("STAGE", stage ?? "")
        body("STATUS", String(status))
    }

    /// Calls `body` with the parts of the readable summary, in order:
    /// `SOURCE PRINCIPAL "METHOD PATH" STATUS BYTESB LATENCYms REQUEST_ID`.
    func forEachMessagePart(_ body: (String) -> Void) {
        for part in [
            sourceIP, " ", principal ?? "-", " \"", method, " ", path, "\" ", String(status), " ",
            String(responseBytes), "B ", AccessRecord.format(latencyMilliseconds), "ms ", requestID,
        ] {
            body(part)
        }
    }

    /// The journald fields, named exactly as the contract lists them.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        forEachField { name, value in metadata[name] = .string(value) }
        return metadata
    }

    /// The stderr line for this record: the same line ``LogLineFormatter`` prints for `message` and `metadata`,
    /// written without building the dictionary.
    public func line(timestamp: timespec = LogLineFormatter.now()) -> [UInt8] {
        var line = LogLine(level: .info, message: "", timestamp: timestamp, capacity: 512)
        forEachMessagePart { line.appendToMessage($0) }
        forEachField { line.field($0, $1) }
        return line.finish()
    }

    /// A readable one-line summary for `MESSAGE`.
    public var message: String {
        var message = ""
        forEachMessagePart { message += $0 }
        return message
    }

    static func format(_ milliseconds: Double) -> String {
        let scaled = (milliseconds * 1000).rounded() / 1000
        return String(scaled)
    }
}
