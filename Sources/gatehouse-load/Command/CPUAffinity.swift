import Foundation
import NIOCore

/// The number of CPUs this process may run on. NIO's `System.coreCount` reads cgroup limits but not the
/// scheduler affinity that `taskset` sets, and a benchmark pins the load generator with `taskset`: two event loops
/// fighting over one pinned core would only add context switches.
enum CPUAffinity {
    static func usableCoreCount() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
            let count = count(cpuList: line.dropFirst("Cpus_allowed_list:".count)), count > 0
        else {
            return System.coreCount
        }
        return min(count, System.coreCount)
    }

    /// Counts the CPUs in a kernel CPU list such as `0-3,6,8-9`; nil when it does not parse.
    static func count(cpuList: Substring) -> Int? {
        let ranges = cpuList.trimmingCharacters(in: .whitespaces).split(separator: ",")
        guard !ranges.isEmpty else { return nil }
        var total = 0
        for range in ranges {
            let bounds = range.split(separator: "-")
            guard let low = bounds.first.flatMap({ Int($0) }) else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, bounds.count <= 2, high >= low else { return nil }
            total += high - low + 1
        }
        return total
    }
}
