import NIOCore
import Synchronization

/// The admin listener's open connections, and its answer to running out of them: at `limit`, a new connection
/// closes the longest-open *idle* one (waiting for a request head, or between keep-alive requests) instead of
/// waiting in the kernel's backlog, as nginx reuses its idle keep-alive connections when it runs short. So idle
/// connections — a scraper's keep-alive, or a local client opening sockets and sending nothing — can never keep
/// `/healthz` from being answered: only connections with a request in progress count against the cap, and those
/// finish within the header timeout. When every connection is busy the new one is closed.
///
/// Shared by the listener's event loops; one lock, taken at accept, close and per request.
final class AdminConnections: Sendable {
    private struct Entry {
        let channel: any Channel
        /// Accept order: the smallest idle serial is the one closed first.
        let serial: UInt64
        var busy: Bool
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var nextSerial: UInt64 = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// Registers an accepted connection. Returns false when it must be closed (every other connection is busy);
    /// otherwise, at the cap, the oldest idle connection is closed to make room.
    func opened(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let (admitted, evicted): (Bool, (any Channel)?) = state.withLock { state in
            var evicted: (any Channel)?
            if state.entries.count >= limit {
                // At the cap: a linear scan, only when the cap is reached.
                // A connection already closing (its close callback not run yet) counts as idle.
                let oldest = state.entries.filter { !$0.value.busy || !$0.value.channel.isActive }
                    .min { $0.value.serial < $1.value.serial }
                guard let oldest else { return (false, nil) }
                state.entries.removeValue(forKey: oldest.key)
                evicted = oldest.value.channel
            }
            state.entries[id] = Entry(channel: channel, serial: state.nextSerial, busy: false)
            state.nextSerial &+= 1
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        return admitted
    }

    func closed(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// A request head arrived (`busy`), or its answer was written (not busy).
    func setBusy(_ channel: any Channel, _ busy: Bool) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.entries[id]?.busy = busy }
    }

    /// Every open connection, for shutdown.
    func all() -> [any Channel] {
        state.withLock { $0.entries.values.map(\.channel) }
    }
}
