import Foundation
import GatehouseConfig
import GatehouseState
import Logging

/// What `gatehouse state migrate` and `gatehouse usage show|reset` do, as library calls the thin commands wrap:
/// load the configuration, open the store its `state:` section names, act, and answer with the text to print.
public enum StateAdministration {
    /// A failure to report on stderr and exit 1 with: configuration problems (one line each) or a store error.
    public struct Failure: Error, CustomStringConvertible {
        public let lines: [String]
        public var description: String { lines.joined(separator: "\n") }
    }

    /// Creates or migrates the schema; answers `STORE: schema version N`.
    public static func migrate(configPath: String, environment: [String: String]) async -> Result<String, Failure> {
        await withStore(configPath: configPath, environment: environment) { store, _ in
            try await store.migrate()
            return "\(store.description): schema version \(UsageSchema.currentVersion)\n"
        }
    }

    /// The current period's use of every plan and consumer (filtered), as a table or as `GET /usage`'s JSON.
    public static func show(
        configPath: String, environment: [String: String], plan: String?, consumer: String?, json: Bool,
        now: Date = Date()
    ) async -> Result<String, Failure> {
        await withStore(configPath: configPath, environment: environment) { store, configuration in
            try await store.migrate()
            let seconds = Int64(now.timeIntervalSince1970)
            let snapshot = try await store.read(since: QuotaCalendar.earliestCurrentStart(at: seconds))
            let report = UsageReport(
                counts: snapshot.counts, rules: QuotaPlans.rules(of: configuration),
                planFirstSeen: snapshot.planFirstSeen, now: seconds, plan: plan, consumer: consumer)
            return json ? String(decoding: report.json(), as: UTF8.self) : report.table()
        }
    }

    /// Sets the consumer's count of the plan's current period to zero. The period is the plan's configured one;
    /// for a plan no longer configured, every current count of that consumer is reset.
    public static func reset(
        configPath: String, environment: [String: String], plan: String, consumer: String, now: Date = Date()
    ) async -> Result<String, Failure> {
        await withStore(configPath: configPath, environment: environment) { store, configuration in
            try await store.migrate()
            let seconds = Int64(now.timeIntervalSince1970)
            let snapshot = try await store.read(since: QuotaCalendar.earliestCurrentStart(at: seconds))
            var keys: [UsageKey]
            if let rule = QuotaPlans.rules(of: configuration)[plan] {
                keys = [
                    UsageKey(
                        plan: plan, consumer: consumer, period: rule.period,
                        periodStart: QuotaCalendar.periodStart(rule.period, containing: seconds))
                ]
            } else {
                keys = snapshot.counts.keys.filter { key in
                    key.plan == plan && key.consumer == consumer
                        && key.periodStart == QuotaCalendar.periodStart(key.period, containing: seconds)
                }.sorted()
                guard !keys.isEmpty else {
                    throw Failure(lines: [
                        "plan \"\(plan)\" has no quota in \(configPath) and consumer \"\(consumer)\" has no count "
                            + "of it in the current period"
                    ])
                }
            }
            var lines = ""
            for key in keys {
                try await store.reset(key)
                let before = snapshot.counts[key] ?? 0
                lines +=
                    "reset plan \(plan) consumer \(consumer) for the \(key.period.rawValue) from "
                    + "\(UsageReport.timestamp(key.periodStart)): \(before) -> 0\n"
            }
            return lines
        }
    }

    private static func withStore(
        configPath: String, environment: [String: String],
        _ body: (any UsageStore, GatewayConfiguration) async throws -> String
    ) async -> Result<String, Failure> {
        let configuration: GatewayConfiguration
        switch ConfigurationLoader.load(path: configPath, environment: environment) {
        case .success(let loaded): configuration = loaded
        case .failure(let problems): return .failure(Failure(lines: problems.problems.map(\.description)))
        }
        let store: any UsageStore
        do {
            store = try UsageStoreFactory.make(configuration.state, logger: Logger(label: "gatehouse.state"))
        } catch {
            return .failure(Failure(lines: ["\(error)"]))
        }
        let result: Result<String, Failure>
        do {
            result = .success(try await body(store, configuration))
        } catch let failure as Failure {
            result = .failure(failure)
        } catch {
            result = .failure(Failure(lines: ["state store \(store.description): \(error)"]))
        }
        await store.close()
        return result
    }
}
