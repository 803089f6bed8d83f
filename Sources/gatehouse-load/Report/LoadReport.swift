import Foundation

/// The result of a run, printed as text or (with `--json`) as one JSON object with snake_case keys.
struct LoadReport: Codable, Sendable {
    /// Latency percentiles in microseconds. In new-connection mode a request's latency includes its TCP connect
    /// and TLS handshake; in hold mode it is the time to establish one held connection.
    struct Latency: Codable, Sendable {
        var p50: UInt64
        var p90: UInt64
        var p99: UInt64
        var p999: UInt64
        var max: UInt64
        var mean: Double

        private enum CodingKeys: String, CodingKey {
            case p50, p90, p99
            case p999 = "p99_9"
            case max, mean
        }
    }

    /// Hold-mode figures.
    struct Hold: Codable, Sendable {
        var requested: Int
        var established: Int
        /// Held connections still open when the hold ended (the server may close idle ones).
        var stillOpenAtEnd: Int
        var heldSeconds: Double
    }

    var target: String
    /// `keep-alive`, `new-connection` or `hold`.
    var mode: String
    var connections: Int
    var threads: Int
    var elapsedSeconds: Double
    /// Complete responses, whatever their status.
    var requests: Int
    /// Responses with a status below 400.
    var successes: Int
    var requestsPerSecond: Double
    /// Connections established (TLS handshake completed, for https).
    var connectionsOpened: Int
    /// Connections established per second: in new-connection mode, full (mutual) TLS handshakes per second.
    var connectionsPerSecond: Double
    var latencyMicroseconds: Latency?
    /// Failures by kind, every kind listed.
    var errors: [String: Int]
    /// The first message seen for each kind that occurred.
    var errorSamples: [String: String]
    var hold: Hold?

    var totalErrors: Int { errors.values.reduce(0, +) }

    init(
        target: String,
        mode: String,
        connections: Int,
        threads: Int,
        elapsedSeconds: Double,
        stats: StatsSnapshot,
        hold: Hold? = nil
    ) {
        self.target = target
        self.mode = mode
        self.connections = connections
        self.threads = threads
        self.elapsedSeconds = elapsedSeconds
        self.requests = stats.responses
        self.successes = stats.successes
        self.requestsPerSecond = elapsedSeconds > 0 ? Double(stats.responses) / elapsedSeconds : 0
        self.connectionsOpened = stats.connectionsOpened
        self.connectionsPerSecond = elapsedSeconds > 0 ? Double(stats.connectionsOpened) / elapsedSeconds : 0
        if stats.latency.totalCount > 0 {
            let histogram = stats.latency
            latencyMicroseconds = Latency(
                p50: histogram.valueAtPercentile(50),
                p90: histogram.valueAtPercentile(90),
                p99: histogram.valueAtPercentile(99),
                p999: histogram.valueAtPercentile(99.9),
                max: histogram.max,
                mean: (histogram.mean * 10).rounded() / 10
            )
        }
        var errors: [String: Int] = [:]
        for kind in ErrorKind.allCases {
            errors[kind.rawValue] = stats.errors[kind, default: 0]
        }
        self.errors = errors
        self.errorSamples = Dictionary(uniqueKeysWithValues: stats.errorSamples.map { ($0.key.rawValue, $0.value) })
        self.hold = hold
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func text() -> String {
        var lines: [String] = []
        let threadWord = threads == 1 ? "thread" : "threads"
        if let hold {
            lines.append("gatehouse-load \(target)  hold, \(connections) at a time, \(threads) \(threadWord)")
            lines.append(
                "  held          \(hold.established) of \(hold.requested) connections for "
                    + "\(Self.format(hold.heldSeconds, 1)) s, \(hold.stillOpenAtEnd) still open at the end"
            )
            lines.append(
                "  opened        \(connectionsOpened) in \(Self.format(elapsedSeconds, 2)) s  "
                    + "\(Self.format(connectionsPerSecond, 1)) /s"
            )
        } else {
            lines.append("gatehouse-load \(target)  \(mode), \(connections) connections, \(threads) \(threadWord)")
            lines.append(
                "  requests      \(requests) in \(Self.format(elapsedSeconds, 2)) s  "
                    + "\(Self.format(requestsPerSecond, 1)) req/s  (\(successes) below 400)"
            )
            lines.append(
                "  connections   \(connectionsOpened) opened  \(Self.format(connectionsPerSecond, 1)) /s"
            )
        }
        if let latency = latencyMicroseconds {
            lines.append(
                "  latency (µs)  p50 \(latency.p50)  p90 \(latency.p90)  p99 \(latency.p99)  "
                    + "p99.9 \(latency.p999)  max \(latency.max)  mean \(Self.format(latency.mean, 1))"
            )
        }
        if totalErrors == 0 {
            lines.append("  errors        none")
        } else {
            let counts = ErrorKind.allCases.map { "\($0.rawValue) \(errors[$0.rawValue] ?? 0)" }
            lines.append("  errors        " + counts.joined(separator: "  "))
            for kind in ErrorKind.allCases {
                if let sample = errorSamples[kind.rawValue] {
                    lines.append("    first \(kind.rawValue): \(sample.prefix(300))")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
