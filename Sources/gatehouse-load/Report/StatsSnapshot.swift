import Histogram

/// Counts and latencies gathered by the workers of one event loop; snapshots from all loops are merged into the
/// report. A value type, so it can leave its event loop.
struct StatsSnapshot: Sendable {
    /// Latency of each completed response in microseconds (any status).
    var latency: Histogram<UInt64>
    /// Responses received, whatever their status.
    var responses: Int = 0
    /// Responses with status below 400.
    var successes: Int = 0
    /// Connections whose TCP connect (and TLS handshake, for https) completed.
    var connectionsOpened: Int = 0
    /// Failures by kind.
    var errors: [ErrorKind: Int] = [:]
    /// The first message seen for each failure kind, to tell the user what went wrong.
    var errorSamples: [ErrorKind: String] = [:]

    /// Latencies above this are clamped to it: a minute, far beyond any sane `--timeout`.
    static let highestTrackableMicroseconds: UInt64 = 60_000_000

    init() {
        latency = Histogram(
            lowestDiscernibleValue: 1,
            highestTrackableValue: Self.highestTrackableMicroseconds,
            numberOfSignificantValueDigits: .three
        )
    }

    mutating func recordLatency(nanoseconds: Int64) {
        let micros = UInt64(max(1, (nanoseconds + 500) / 1000))
        _ = latency.record(min(micros, Self.highestTrackableMicroseconds))
    }

    /// Counts a response: a success below 400, else an error of its class with the start of the body as sample.
    mutating func recordResponse(status: UInt, bodySample: String?) {
        responses += 1
        switch status {
        case ..<400:
            successes += 1
        case 400..<500:
            recordError(.status4xx, "\(status) \(bodySample ?? "")")
        default:
            recordError(.status5xx, "\(status) \(bodySample ?? "")")
        }
    }

    mutating func recordError(_ kind: ErrorKind, _ message: @autoclosure () -> String) {
        errors[kind, default: 0] += 1
        if errorSamples[kind] == nil {
            errorSamples[kind] = message()
        }
    }

    mutating func merge(_ other: StatsSnapshot) {
        latency.add(other.latency)
        responses += other.responses
        successes += other.successes
        connectionsOpened += other.connectionsOpened
        for (kind, count) in other.errors {
            errors[kind, default: 0] += count
        }
        for (kind, message) in other.errorSamples where errorSamples[kind] == nil {
            errorSamples[kind] = message
        }
    }
}
