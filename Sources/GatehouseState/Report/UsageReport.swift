import Foundation
import GatehouseBytes

/// What `gatehouse usage show` and `GET /usage` print: each consumer's use of each plan in the current period, with
/// the limit and what remains. Built from counts (the store's, or the ledger's in memory) and the configured rules;
/// a count of a plan no longer configured is listed without limit and remaining.
public struct UsageReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let plan: String
        public let consumer: String
        public let period: QuotaPeriod
        public let periodStart: Int64
        public let used: Int64
        /// Nil when the plan is not in the configuration (or has no quota).
        public let limit: Int64?
        public let remaining: Int64?
        public let resetsAt: Int64
    }

    public let rows: [Row]

    /// - Parameters:
    ///   - counts: counts by key; only those of the current period of their kind are listed.
    ///   - rules: the configured quota of each plan.
    ///   - planFirstSeen: when the store first saw each plan (for `offset`).
    public init(
        counts: [UsageKey: Int64], rules: [String: QuotaRule], planFirstSeen: [String: Int64], now: Int64,
        plan: String? = nil, consumer: String? = nil
    ) {
        var rows: [Row] = []
        for (key, used) in counts {
            guard key.periodStart == QuotaCalendar.periodStart(key.period, containing: now) else { continue }
            if let plan, key.plan != plan { continue }
            if let consumer, key.consumer != consumer { continue }
            var limit: Int64?
            if let rule = rules[key.plan] {
                // A count under another period kind than the plan's current one is history: not listed.
                guard rule.period == key.period else { continue }
                let firstSeen = planFirstSeen[key.plan] ?? now
                let inFirst = QuotaCalendar.periodStart(rule.period, containing: firstSeen) == key.periodStart
                limit = max(0, rule.limit - (inFirst ? rule.offset : 0))
            }
            rows.append(
                Row(
                    plan: key.plan, consumer: key.consumer, period: key.period, periodStart: key.periodStart,
                    used: used, limit: limit, remaining: limit.map { max(0, $0 - used) },
                    resetsAt: QuotaCalendar.nextPeriodStart(key.period, after: now)))
        }
        self.rows = rows.sorted { ($0.plan, $0.consumer) < ($1.plan, $1.consumer) }
    }

    /// `{"usage": [{"plan": …, "consumer": …, "period": "DAY", "period_start": "2026-12-06T00:00:00Z", "used": 3,
    /// "limit": 100, "remaining": 97, "resets_at": "2026-12-07T00:00:00Z"}, …]}`; `limit` and `remaining` are null
    /// for a plan no longer configured.
    public func json() -> [UInt8] {
        let objects: [[String: Any]] = rows.map { row in
            [
                "plan": row.plan, "consumer": row.consumer, "period": row.period.rawValue,
                "period_start": Self.timestamp(row.periodStart), "used": row.used,
                "limit": row.limit.map { $0 as Any } ?? NSNull(),
                "remaining": row.remaining.map { $0 as Any } ?? NSNull(),
                "resets_at": Self.timestamp(row.resetsAt),
            ]
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: ["usage": objects], options: [.sortedKeys]))
            ?? Data("{\"usage\":[]}".utf8)
        return Array(data) + [0x0A]
    }

    /// An aligned text table: plan, consumer, period start, used, limit, remaining (`-` when unknown).
    public func table() -> String {
        let header = ["PLAN", "CONSUMER", "PERIOD", "PERIOD START", "USED", "LIMIT", "REMAINING"]
        let lines =
            [header]
            + rows.map { row in
                [
                    row.plan, row.consumer, row.period.rawValue, Self.timestamp(row.periodStart), String(row.used),
                    row.limit.map(String.init) ?? "-", row.remaining.map(String.init) ?? "-",
                ]
            }
        var widths = Array(repeating: 0, count: header.count)
        for line in lines {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return lines.map { line in
            line.enumerated().map { index, cell in
                index == line.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    public static func timestamp(_ seconds: Int64) -> String {
        var bytes: [UInt8] = []
        UTCDateTime(epochSeconds: Int(seconds)).appendISO8601(extended: true, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
