import GatehouseBytes
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
    /// The id of the API key the request sent (never its value), when it named a configured key.
    public var apiKeyID: String? = nil
    /// The usage plan that counted the request, and the consumer it was counted as.
    public var usagePlan: String? = nil
    public var consumer: String? = nil

    /// Hands `sink` each contract field (section 6) in key order: the one list both the journal entry (`metadata`)
    /// and the stderr line (`line`) are made from. Numbers are passed as numbers, so the line writes their digits
    /// without making strings of them.
    func forEachField<Sink: AccessFieldSink>(into sink: inout Sink) {
        sink.field("API_ID", apiID ?? "")
        sink.field("API_KEY_ID", apiKeyID ?? "")
        sink.field("CLIENT_CERT_SUBJECT", clientCertSubject ?? "")
        sink.field("CLIENT_CERT_URI", clientCertURI ?? "")
        sink.field("CONSUMER", consumer ?? "")
        sink.field("ERROR_TYPE", errorType ?? "")
        sink.field("GATEHOUSE_EVENT", "access")
        sink.field("HTTP_METHOD", method)
        if let integrationLatencyMilliseconds {
            sink.field("INTEGRATION_LATENCY_MS", thousandths: Self.thousandths(integrationLatencyMilliseconds))
        } else {
            sink.field("INTEGRATION_LATENCY_MS", "")
        }
        sink.field("LATENCY_MS", thousandths: Self.thousandths(latencyMilliseconds))
        sink.field("PATH", path)
        sink.field("PRINCIPAL", principal ?? "")
        sink.field("REQUEST_ID", requestID)
        sink.field("RESPONSE_BYTES", integer: responseBytes)
        sink.field("ROUTE_KEY", routeKey ?? "")
        sink.field("SOURCE_IP", sourceIP)
        sink.field("SOURCE_VPCE", sourceVpce ?? "")
        sink.field("STAGE", stage ?? "")
        sink.field("STATUS", integer: status)
        sink.field("USAGE_PLAN", usagePlan ?? "")
    }

    /// Hands `sink` the parts of the readable summary, in order:
    /// `SOURCE PRINCIPAL "METHOD PATH" STATUS BYTESB LATENCYms REQUEST_ID`. Numbers are passed as numbers, so the
    /// line writes their digits without making strings of them.
    func forEachMessagePart<Sink: AccessMessageSink>(into sink: inout Sink) {
        sink.part(sourceIP)
        sink.part(" ")
        sink.part(principal ?? "-")
        sink.part(" \"")
        sink.part(method)
        sink.part(" ")
        sink.part(Self.messagePath(path))
        sink.part("\" ")
        sink.part(integer: status)
        sink.part(" ")
        sink.part(integer: responseBytes)
        sink.part("B ")
        sink.part(thousandths: Self.thousandths(latencyMilliseconds))
        sink.part("ms ")
        sink.part(requestID)
    }

    /// The journald fields, named exactly as the contract lists them.
    public var metadata: Logger.Metadata {
        var sink = MetadataSink()
        forEachField(into: &sink)
        return sink.metadata
    }

    /// The stderr line for this record: the same line ``LogLineFormatter`` prints for `message` and `metadata`,
    /// written without building the dictionary.
    public func line(timestamp: timespec = LogLineFormatter.now()) -> [UInt8] {
        // A record of a signed request with a client certificate is about 600 bytes: room for it without growing.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        appendLine(to: &bytes, timestamp: timestamp)
        return bytes
    }

    /// Appends ``line(timestamp:)`` to `bytes`: how the stderr log writes a record straight into the lines waiting to
    /// be written.
    func appendLine(to bytes: inout [UInt8], timestamp: timespec = LogLineFormatter.now()) {
        var line = LogLine(continuing: &bytes, level: .info, message: "", timestamp: timestamp)
        forEachMessagePart(into: &line)
        forEachField(into: &line)
        line.finish(into: &bytes)
    }

    /// A readable one-line summary for `MESSAGE`.
    public var message: String {
        var message = MessageText()
        forEachMessagePart(into: &message)
        return message.text
    }

    /// The path as the readable summary shows it: percent-encoded wherever a byte could be read as part of the line's
    /// syntax — space, `"`, `=`, `\`, `%`, control bytes and non-ASCII — so a path can neither close the quoted
    /// `"METHOD PATH"` nor put a `KEY=value` pair or a line break into the message (the `PATH` field itself carries
    /// the decoded path, quoted). Most paths need nothing and are returned as they are.
    static func messagePath(_ path: String) -> String {
        let needsEncoding: (UInt8) -> Bool = { byte in
            byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "%")
        }
        guard path.utf8.contains(where: needsEncoding) else { return path }
        return PercentEncoding.encoded(path.utf8) { !needsEncoding($0) }
    }

    /// Milliseconds are logged to the microsecond.
    static func thousandths(_ milliseconds: Double) -> Int {
        guard milliseconds.isFinite, milliseconds.magnitude < 1e12 else { return 0 }
        return Int((milliseconds * 1000).rounded())
    }
}

/// Where ``AccessRecord/forEachField(into:)`` puts the fields.
protocol AccessFieldSink {
    mutating func field(_ name: StaticString, _ value: String)
    mutating func field(_ name: StaticString, integer: Int)
    mutating func field(_ name: StaticString, thousandths: Int)
}

extension LogLine: AccessFieldSink {}

/// Where ``AccessRecord/forEachMessagePart(into:)`` puts the summary's parts.
protocol AccessMessageSink {
    mutating func part(_ text: String)
    mutating func part(integer: Int)
    mutating func part(thousandths: Int)
}

extension LogLine: AccessMessageSink {
    mutating func part(_ text: String) { appendToMessage(text) }
    mutating func part(integer: Int) { appendToMessage(integer: integer) }
    mutating func part(thousandths: Int) { appendToMessage(thousandths: thousandths) }
}

/// The summary as a `String`, for the journal's `MESSAGE`.
private struct MessageText: AccessMessageSink {
    var text = ""

    mutating func part(_ text: String) { self.text += text }
    mutating func part(integer: Int) { text += String(integer) }
    mutating func part(thousandths: Int) { text += LogLine.decimalText(thousandths: thousandths) }
}

/// Fields as swift-log metadata, for the journal (and for log handlers in tests).
private struct MetadataSink: AccessFieldSink {
    var metadata: Logger.Metadata = [:]

    mutating func field(_ name: StaticString, _ value: String) {
        metadata[name.description] = .string(value)
    }

    mutating func field(_ name: StaticString, integer: Int) {
        metadata[name.description] = .string(String(integer))
    }

    mutating func field(_ name: StaticString, thousandths: Int) {
        metadata[name.description] = .string(LogLine.decimalText(thousandths: thousandths))
    }
}
