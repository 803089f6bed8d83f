import NIOConcurrencyHelpers
import NIOCore

/// The open WebSockets of one server, so that drain can close them: a WebSocket has no "current request" to finish,
/// so once `drain_timeout` has passed each gets a close frame (1001) instead of a cut connection.
final class WebSocketRegistry: Sendable {
    private let open = NIOLockedValueBox<[ObjectIdentifier: WebSocketTunnel]>([:])

    init() {}

    func add(_ tunnel: WebSocketTunnel) {
        open.withLockedValue { $0[ObjectIdentifier(tunnel)] = tunnel }
    }

    func remove(_ tunnel: WebSocketTunnel) {
        _ = open.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(tunnel)) }
    }

    var count: Int { open.withLockedValue { $0.count } }

    /// After a reload's revalidation: every WebSocket whose client connection was marked revoked gets a close frame
    /// (1008 Policy Violation) now — a silent one has no next frame at which to notice, and no request to finish.
    func closeRevoked() {
        let tunnels = open.withLockedValue { Array($0.values) }
        for tunnel in tunnels {
            tunnel.eventLoop.execute {
                if tunnel.clientRevoked { tunnel.goAway(.policyViolation, by: "gateway") }
            }
        }
    }

    /// Sends every open WebSocket a close frame (1001 Going Away) and waits until they have closed, at most
    /// `WebSocketTunnel.closeGrace` (2 s) and a little more.
    func closeAll() async {
        let tunnels = open.withLockedValue { Array($0.values) }
        guard !tunnels.isEmpty else { return }
        for tunnel in tunnels {
            tunnel.eventLoop.execute { tunnel.goAway(.goingAway, by: "drain") }
        }
        let deadline = ContinuousClock.now + .seconds(2) + .milliseconds(500)
        while count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
