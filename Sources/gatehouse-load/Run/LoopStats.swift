import NIOCore

/// The statistics shared by all workers on one event loop. Confined to that loop, so recording needs no lock and
/// memory stays one histogram per thread however many connections there are.
final class LoopStats {
    var snapshot = StatsSnapshot()
}

@available(*, unavailable)
extension LoopStats: Sendable {}
