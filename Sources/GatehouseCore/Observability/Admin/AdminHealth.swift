import Synchronization

/// The gateway's lifecycle as the admin listener reports it: `/readyz` answers 200 only between "every listener
/// accepts" and "draining began", so a load balancer or orchestrator stops sending traffic before the listeners
/// close, and never sends it before they open. `/healthz` does not consult this: it answers 200 while the
/// process runs. Shared between the lifecycle code that marks transitions and the admin connections that read it.
public final class AdminHealth: Sendable {
    /// Where the gateway is in its life. Transitions only move forward: a drain is never undone.
    public enum Phase: Sendable, Equatable {
        /// Listeners are still being bound (or configuration is loading).
        case starting
        /// Every listener accepts connections.
        case ready
        /// SIGTERM received: listeners stopped accepting, requests in flight are finishing.
        case draining
    }

    private let state = Mutex(Phase.starting)
    private let stateStore = Mutex<String?>(nil)

    public init() {}

    /// Call once every listener accepts (the moment `READY=1` goes to systemd).
    public func markReady() {
        state.withLock { phase in
            if phase == .starting { phase = .ready }
        }
    }

    /// Call when draining begins (the moment `STOPPING=1` goes to systemd); `/readyz` answers 503 from then on.
    public func markDraining() {
        state.withLock { $0 = .draining }
    }

    /// The current phase.
    public var phase: Phase {
        state.withLock { $0 }
    }

    /// Why the quota state store cannot be reached right now (nil while it can): `/readyz` names it in its body,
    /// without changing its status, since the gateway itself still serves (contract section 8).
    public var stateStoreProblem: String? {
        stateStore.withLock { $0 }
    }

    /// Records the state store's health; `nil` once it answers again.
    public func setStateStoreProblem(_ problem: String?) {
        stateStore.withLock { $0 = problem }
    }

    /// Whether `/readyz` answers 200.
    public var isReady: Bool {
        phase == .ready
    }
}
