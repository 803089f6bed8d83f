import Foundation

/// The number of CPUs this process may run on. NIO's `System.coreCount` reads cgroup limits but not the scheduler
/// affinity that `taskset` or systemd's `CPUAffinity=` set; one event loop per usable CPU avoids loops fighting over
/// a pinned core.
public enum CPUAffinity {
    /// CPUs allowed by `/proc/self/status`'s `Cpus_allowed_list`, at most `fallback`; `fallback` when unreadable.
    public static func usableCoreCount(fallback: Int) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
            let count = count(cpuList: line.dropFirst("Cpus_allowed_list:".count)), count > 0
        else {
            return fallback
        }
        return min(count, fallback)
    }

    /// Counts the CPUs in a kernel CPU list such as `0-3,6,8-9`; nil when it does not parse.
    public static func count(cpuList: Substring) -> Int? {
        let ranges = cpuList.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
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
