import Foundation

/// A batch of deltas as one JSON text, so SQLite merges any number of rows in one statement with one parameter
/// (`json_each`) instead of running into its limit on bound parameters.
enum UsageBatchJSON {
    private struct Row: Encodable {
        let p: String
        let c: String
        let k: String
        let s: Int64
        let n: Int64
    }

    private struct PlanRow: Encodable {
        let p: String
        let f: Int64
    }

    static func deltas(_ deltas: [UsageKey: Int64]) throws -> String {
        let rows = deltas.keys.sorted().map { key in
            Row(p: key.plan, c: key.consumer, k: key.period.rawValue, s: key.periodStart, n: deltas[key] ?? 0)
        }
        return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }

    static func plans(_ plans: [String: Int64]) throws -> String {
        let rows = plans.keys.sorted().map { PlanRow(p: $0, f: plans[$0] ?? 0) }
        return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
