import NIOHTTP1

/// Decides the admin listener's answer to a request: a pure function of method, target and the current health,
/// kept apart from the channel handler so the routing table reads in one place.
///
/// | target | GET/HEAD |
/// |---|---|
/// | `/metrics` | 200, Prometheus text format |
/// | `/healthz` | 200 while the process runs |
/// | `/readyz` | 200 when ready, 503 while starting or draining; the body names a state store that is unreachable |
/// | `/usage` | 200, JSON: each consumer's quota use in the current period (as `gatehouse usage show --json`) |
/// | anything else | 404 |
///
/// Other methods on a known target get 405 with `Allow: GET, HEAD`. The query string is ignored.
struct AdminResponder: Sendable {
    let health: AdminHealth
    let exposition: MetricsExposition
    /// The body of `GET /usage`, made on demand from the quota ledger's memory.
    var usage: (@Sendable () -> [UInt8])? = nil

    func respond(method: HTTPMethod, target: String) -> AdminResponse {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard let endpoint = Endpoint(rawValue: String(path)) else {
            return .text(.notFound, "not found")
        }
        guard method == .GET || method == .HEAD else {
            return .text(.methodNotAllowed, "method not allowed", headers: [("allow", "GET, HEAD")])
        }
        switch endpoint {
        case .metrics:
            return AdminResponse(status: .ok, contentType: MetricsExposition.contentType, body: exposition.render())
        case .healthz:
            return .text(.ok, "ok")
        case .readyz:
            let store = health.stateStoreProblem.map { "\nstate store unreachable: \($0)" } ?? ""
            switch health.phase {
            case .ready: return .text(.ok, "ready" + store)
            case .starting: return .text(.serviceUnavailable, "starting" + store)
            case .draining: return .text(.serviceUnavailable, "draining" + store)
            }
        case .usage:
            return AdminResponse(
                status: .ok, contentType: "application/json", body: usage?() ?? Array("{\"usage\":[]}\n".utf8))
        }
    }

    private enum Endpoint: String {
        case metrics = "/metrics"
        case healthz = "/healthz"
        case readyz = "/readyz"
        case usage = "/usage"
    }
}
