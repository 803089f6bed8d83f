import NIOHTTP1

/// Decides the admin listener's answer to a request: a pure function of method, target and the current health,
/// kept apart from the channel handler so the routing table reads in one place.
///
/// | target | GET/HEAD |
/// |---|---|
/// | `/metrics` | 200, Prometheus text format |
/// | `/healthz` | 200 while the process runs |
/// | `/readyz` | 200 when ready, 503 while starting or draining |
/// | anything else | 404 |
///
/// Other methods on a known target get 405 with `Allow: GET, HEAD`. The query string is ignored.
struct AdminResponder: Sendable {
    let health: AdminHealth
    let exposition: MetricsExposition

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
            switch health.phase {
            case .ready: return .text(.ok, "ready")
            case .starting: return .text(.serviceUnavailable, "starting")
            case .draining: return .text(.serviceUnavailable, "draining")
            }
        }
    }

    private enum Endpoint: String {
        case metrics = "/metrics"
        case healthz = "/healthz"
        case readyz = "/readyz"
    }
}
